import Foundation
import Logging
import MediaflowModel
import MediaflowStore

/// What the job processor needs of the job repository: read a job, record a start, apply an event.
/// In one process this is the shared store, in one transaction; across processes it is the seed's HTTP
/// messages to the repository, plus the processor's own store for its queue and outbox.
protocol JobLedger: Sendable {
    /// The job at `url`, or nil when there is none. It may lag behind a change made elsewhere an instant
    /// ago: what is decided from it is checked again when written.
    func job(at url: String) async throws -> Job?
    /// Records `startJob`, moves the job to `QUEUED` and enqueues it for dispatch.
    func queue(jobAt url: String, startJob: StartJob, entry: DispatchEntry, now: Date) async throws -> (StartJob, Job)
    /// Applies `event` to the job at `url`, settling the dispatch queue and the outbox.
    func apply(_ event: JobEvent, toJobAt url: String, lease: Lease?, now: Date) async throws -> JobTransition
}

/// The ledger when the repository runs in this process, or its jobs are in the database this node shares:
/// one store, one transaction per change.
struct LocalJobLedger: JobLedger {
    let store: any JobStore
    let baseURL: String
    /// Where a change's callback goes to be delivered by this node, if it runs an outbox dispatcher.
    let handover: OutboxHandover?

    func job(at url: String) async throws -> Job? {
        guard let id = ResourceLink.id(in: url, collection: "Job") else { return nil }
        return try await store.recentJob(id: id)
    }

    func queue(jobAt url: String, startJob: StartJob, entry: DispatchEntry, now: Date) async throws -> (StartJob, Job) {
        guard let link = ResourceLink(parsing: url, collection: "Job") else { throw StoreError.notFound("No job at \(url)") }
        var record = startJob
        // Recorded where the job is, as the seed's repository records it (messages 6–7): a node sharing the
        // database that plays no repository role serves no StartJob routes of its own.
        record.id = ResourceLink.new(baseURL: link.baseURL, collection: "StartJob").url
        record.context = contextURL(baseURL: baseURL)
        record.dateCreated = now
        record.dateModified = now
        let job = try await store.queueJob(id: link.id, startJob: record, entry: entry, now: now)
        return (record, job)
    }

    func apply(_ event: JobEvent, toJobAt url: String, lease: Lease?, now: Date) async throws -> JobTransition {
        guard let id = ResourceLink.id(in: url, collection: "Job") else { throw StoreError.notFound("No job at \(url)") }
        let (transition, callback) = try await store.applyEvent(
            event, toJob: id, lease: lease, callbackClaim: handover?.claim(now: now), now: now)
        if let callback { handover?.take(callback) }
        return transition
    }
}

/// The ledger when the repository is another process: the seed's messages 4–9 over HTTP. A change reads the
/// job, decides and writes it back whole (`PUT`) with `If-Match` on the version it read, so a change made
/// elsewhere in between — by another processor — is never undone: the write is refused and made again from
/// the job as it then is.
struct RemoteJobLedger: JobLedger {
    let transport: HTTPTransport
    let repositoryURL: String
    let store: any JobProcessorStore
    let handover: OutboxHandover?
    let logger: Logger
    /// Two changes of one job from this processor at once — a service's heartbeat and its `StopJob` — take
    /// turns rather than refuse each other.
    let changes = KeyedSerialQueue()
    /// How long a change is tried again, after short random pauses, while changes made elsewhere come first
    /// (a service's heartbeats through another processor); the heartbeats end, so the change gets its turn.
    static let patience = Duration.seconds(10)

    func job(at url: String) async throws -> Job? {
        try await versionedJob(at: url)?.job
    }

    /// Records the StartJob, then writes the job `QUEUED` with a link to it. A job changed meanwhile but still
    /// `NEW` (edited by its owner) is written again from how it now is; one started or ended elsewhere keeps
    /// no trace of this start: the record is withdrawn and the dispatch entry dropped.
    func queue(jobAt url: String, startJob: StartJob, entry: DispatchEntry, now: Date) async throws -> (StartJob, Job) {
        guard var (job, tag) = try await versionedJob(at: url) else { throw StoreError.notFound("No job \(url)") }
        guard job.status == .new else { throw StoreError.conflict("Job \(url) is \(job.status.rawValue), not NEW") }
        let recorded = try await transport.send(.POST, "\(repositoryURL)/StartJob", startJob)
        guard recorded.status == 201 else { throw TransportError(url: repositoryURL, reason: "StartJob answered \(recorded.status)") }
        let record = try recorded.decode(StartJob.self)
        try await store.enqueue(entry)
        let deadline = ContinuousClock.now + Self.patience
        while job.status == .new, ContinuousClock.now < deadline {
            let queued = try JobLifecycle.apply(
                .queued(startJob: record.id ?? "", priority: entry.priority), to: job, endpoint: nil, now: now
            ).job
            if let written = try await put(queued, url: url, ifMatch: tag) { return (record, written) }
            guard let current = try await versionedJob(at: url) else { break }
            (job, tag) = current
        }
        try await store.dropDispatch(jobID: entry.jobID)
        await withdraw(record)
        throw StoreError.conflict("Job \(url) was started, ended or kept changing elsewhere while it was being started")
    }

    func apply(_ event: JobEvent, toJobAt url: String, lease: Lease?, now: Date) async throws -> JobTransition {
        try await changes.run(url) {
            let deadline = ContinuousClock.now + Self.patience
            // The caller's endpoints, from the job's StartJob: read on the first try, they hold for the others.
            var caller: (startJob: String?, endpoint: AsyncEndpoint?)?
            while true {
                guard let (job, tag) = try await versionedJob(at: url) else { throw StoreError.notFound("No job \(url)") }
                if caller == nil || caller?.startJob != job.startJob {
                    let endpoint = try await job.startJob.asyncMap { try await transport.get(StartJob.self, $0)?.asyncEndpoint }
                    caller = (job.startJob, endpoint ?? nil)
                }
                var transition = try JobLifecycle.apply(event, to: job, endpoint: caller?.endpoint, now: now)
                guard transition.changed else { return transition }
                if let written = try await put(transition.job, url: url, ifMatch: tag) {
                    transition.job = written
                    let jobID = ResourceLink.id(in: url, collection: "Job") ?? url
                    let callback = try transition.notification(now: now, claimedBy: handover?.claim(now: now))
                    try await store.settle(transition, jobID: jobID, lease: lease, notification: callback)
                    if let callback { handover?.take(callback) }
                    return transition
                }
                guard ContinuousClock.now < deadline else {
                    throw TransportError(url: url, reason: "the job kept changing for \(Self.patience) while this change was tried")
                }
                try await Task.sleep(for: .milliseconds(Int.random(in: 1...20)))
            }
        }
    }

    /// Deletes a StartJob record that started nothing; a failure is logged, the record left behind.
    private func withdraw(_ record: StartJob) async {
        guard let id = record.id else { return }
        do {
            let reply = try await transport.send(.DELETE, id)
            if !reply.isSuccess { logger.warning("Withdrawing \(id) answered \(reply.status)") }
        } catch {
            logger.warning("Withdrawing \(id) failed: \(error)")
        }
    }

    /// The job at `url` and its `ETag`, or nil when there is none.
    private func versionedJob(at url: String) async throws -> (job: Job, tag: String?)? {
        guard let reply = try await transport.get(url) else { return nil }
        return (try reply.decode(Job.self), reply.headers.first(name: "ETag"))
    }

    /// Writes `job` if it is still at `tag`; nil when it changed since (412).
    private func put(_ job: Job, url: String, ifMatch tag: String?) async throws -> Job? {
        let reply = try await transport.send(
            .PUT, url, json: try ProtocolJSON.encode(job), headers: tag.map { [("If-Match", $0)] } ?? [])
        if reply.status == 412 { return nil }
        guard reply.isSuccess else { throw TransportError(url: url, reason: "PUT answered \(reply.status)") }
        return try reply.decode(Job.self)
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
