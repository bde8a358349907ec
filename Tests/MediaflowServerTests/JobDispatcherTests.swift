import Foundation
import Logging
import MediaflowModel
import MediaflowStore
import MediaflowTesting
import Synchronization
import Testing

@testable import MediaflowServer

/// The dispatcher's timeouts when its store fails it. A timeout is expected within 1–2 s, and checked
/// against 8 s: the failures these tests guard against time out at 15 s, and under the whole suite on two
/// cores a second more than expected has been seen.
@Suite struct JobDispatcherTests {
    /// The store fails every look for overdue jobs (it cannot say when the next deadline is): the dispatcher
    /// looks again a second later, so the job still times out about on time, not at the next lease sweep (a
    /// quarter of a lease, 15 s here). On a dispatcher that waited for the sweep after a failure it times out
    /// after 15 s.
    @Test func aJobTimesOutAboutOnTimeWhileTheStoreFailsTheLookForDeadlines() async throws {
        let memory = MemoryStore()
        let deadline = Timestamp.now().addingTimeInterval(0.5)
        let jobID = try await queue(in: memory, deadline: deadline)
        let started = ContinuousClock.now
        let timedOutAfter = try await whileDispatching(memory, told: [deadline], deadlinesAnswered: 0) {
            try await eventually(timeout: .seconds(10), "the job times out") {
                try await memory.job(id: jobID)?.status == .failed
            }
            return ContinuousClock.now - started
        }
        #expect(timedOutAfter < .seconds(8))
        #expect(try await memory.job(id: jobID)?.statusMessage?.hasPrefix("Timed out") == true)
    }

    /// The store answers the first look for the next deadline, then fails: the look at the first job's
    /// deadline cannot learn the second's, and the dispatcher keeps the deadline it knew to look again a
    /// second later, finding the second job overdue. On a dispatcher that forgot it, the second job times out
    /// at the next lease sweep, 15 s here.
    @Test func aDeadlineKnownBeforeIsKeptWhenTheStoreCannotTellTheNext() async throws {
        let memory = MemoryStore()
        let deadlines = [Timestamp.now().addingTimeInterval(0.3), Timestamp.now().addingTimeInterval(0.8)]
        let first = try await queue(in: memory, deadline: deadlines[0])
        let second = try await queue(in: memory, deadline: deadlines[1])
        let started = ContinuousClock.now
        let timedOutAfter = try await whileDispatching(memory, told: deadlines, deadlinesAnswered: 1) {
            try await eventually(timeout: .seconds(10), "both jobs time out") {
                let firstStatus = try await memory.job(id: first)?.status
                let secondStatus = try await memory.job(id: second)?.status
                return firstStatus == .failed && secondStatus == .failed
            }
            return ContinuousClock.now - started
        }
        #expect(timedOutAfter < .seconds(8))
    }

    private let baseURL = "http://dispatcher.test"

    /// Puts a new job in `memory` and queues it to time out at `deadline`; returns its id.
    private func queue(in memory: MemoryStore, deadline: Date) async throws -> String {
        var job = Job(type: .ameJob, profile: "NoOp")
        job.id = ResourceLink.new(baseURL: baseURL, collection: "Job").url
        job.jobStatus = .new
        try await memory.insertJob(job)
        let jobID = ResourceLink(parsing: job.id!, collection: "Job")!.id
        var startJob = StartJob(job: job.id!)
        startJob.id = ResourceLink.new(baseURL: baseURL, collection: "StartJob").url
        let entry = DispatchEntry(
            jobID: jobID, jobURL: job.id!, jobType: .ameJob, profile: "NoOp", priority: .medium, deadline: deadline)
        _ = try await memory.queueJob(id: jobID, startJob: startJob, entry: entry, now: Timestamp.now())
        return jobID
    }

    /// Runs `body` while a dispatcher with no services runs on `memory`, told of the `told` deadlines as the
    /// node that queued their jobs would be, its store answering `deadlinesAnswered` looks for the next
    /// deadline and failing the rest; returns what `body` returns, once the dispatcher has stopped.
    private func whileDispatching<T: Sendable>(
        _ memory: MemoryStore, told: [Date], deadlinesAnswered: Int, _ body: @Sendable () async throws -> T
    ) async throws -> T {
        let dispatcher = JobDispatcher(
            store: BlindToDeadlines(inner: memory, answers: deadlinesAnswered),
            ledger: LocalJobLedger(store: memory, baseURL: baseURL, handover: nil), directory: NoServices(),
            invoker: ServiceInvoker(transport: HTTPTransport(client: .shared), localHost: nil, logger: silent),
            baseURL: baseURL, leaseDuration: .seconds(60), releaseLeasesAtStart: false, logger: silent)
        for deadline in told { dispatcher.expect(deadline: deadline) }
        return try await whileServing([dispatcher], logger: silent, body)
    }
}

private let silent: Logger = {
    var logger = Logger(label: "test")
    logger.logLevel = .critical
    return logger
}()

/// A store that answers the first `answers` questions about the next deadline and fails the rest, and answers
/// everything else as `inner` does.
private final class BlindToDeadlines: JobProcessorStore {
    let inner: MemoryStore
    let answers: Int
    private let asked = Atomic<Int>(0)

    init(inner: MemoryStore, answers: Int) {
        self.inner = inner
        self.answers = answers
    }

    func earliestDeadline() async throws -> Date? {
        guard asked.add(1, ordering: .relaxed).newValue <= answers else {
            throw StoreError.unavailable("the deadline index is unreadable")
        }
        return try await inner.earliestDeadline()
    }

    func enqueue(_ entry: DispatchEntry) async throws { try await inner.enqueue(entry) }
    func claimDispatch(profiles: Set<String>, limit: Int, lease: Lease, now: Date) async throws -> [DispatchEntry] {
        try await inner.claimDispatch(profiles: profiles, limit: limit, lease: lease, now: now)
    }
    func releaseDispatch(jobID: String, notBefore: Date) async throws {
        try await inner.releaseDispatch(jobID: jobID, notBefore: notBefore)
    }
    func expiredDispatches(now: Date, limit: Int) async throws -> [(entry: DispatchEntry, wasDispatched: Bool)] {
        try await inner.expiredDispatches(now: now, limit: limit)
    }
    func overdueDispatches(now: Date, limit: Int) async throws -> [DispatchEntry] {
        try await inner.overdueDispatches(now: now, limit: limit)
    }
    func dropDispatch(jobID: String) async throws { try await inner.dropDispatch(jobID: jobID) }
    func releaseAllLeases() async throws { try await inner.releaseAllLeases() }
    func settle(_ transition: JobTransition, jobID: String, lease: Lease?, notification: OutboxMessage?) async throws {
        try await inner.settle(transition, jobID: jobID, lease: lease, notification: notification)
    }
    func claimOutbox(limit: Int, lease: Lease, now: Date) async throws -> [OutboxMessage] {
        try await inner.claimOutbox(limit: limit, lease: lease, now: now)
    }
    func markDelivered(ids: [String]) async throws { try await inner.markDelivered(ids: ids) }
    func markFailed(id: String, attempts: Int, nextAttemptAt: Date, error: String, dead: Bool) async throws {
        try await inner.markFailed(id: id, attempts: attempts, nextAttemptAt: nextAttemptAt, error: error, dead: dead)
    }
    func outboxMessages(state: OutboxState, after: String?, limit: Int) async throws -> [OutboxMessage] {
        try await inner.outboxMessages(state: state, after: after, limit: limit)
    }
    func outboxMessage(id: String) async throws -> OutboxMessage? { try await inner.outboxMessage(id: id) }
    func redeliver(id: String, now: Date) async throws -> OutboxMessage? { try await inner.redeliver(id: id, now: now) }
}

/// A registry with no services: the dispatcher sends nothing off, and only looks for overdue jobs.
private struct NoServices: ServiceDirectory {
    func services() async throws -> [MediaService] { [] }
    func profiles() async throws -> [JobProfile] { [] }
}
