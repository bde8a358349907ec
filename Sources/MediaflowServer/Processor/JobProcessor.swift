import Foundation
import Logging
import MediaflowModel
import MediaflowStore

/// The job processor: takes `StartJob`, queues the job for the dispatcher, and turns the services'
/// `UpdateJob`/`StopJob` reports into job changes and callbacks.
final class JobProcessor: Sendable {
    let ledger: any JobLedger
    let store: any JobProcessorStore
    let directory: any ServiceDirectory
    let dispatcher: JobDispatcher
    let baseURL: String
    /// The `@context` of the `StartJob` records it writes, made once.
    private let context: String
    let leaseDuration: Duration
    let logger: Logger

    init(
        ledger: any JobLedger, store: any JobProcessorStore, directory: any ServiceDirectory, dispatcher: JobDispatcher,
        baseURL: String, leaseDuration: Duration, logger: Logger
    ) {
        self.ledger = ledger
        self.store = store
        self.directory = directory
        self.dispatcher = dispatcher
        self.baseURL = baseURL
        context = contextURL(baseURL: baseURL)
        self.leaseDuration = leaseDuration
        self.logger = logger
    }

    /// Accepts a `StartJob` (seed messages 3–10): checks it, records it, queues the job.
    /// - Returns: the recorded `StartJob`.
    /// - Throws: `Problem` for a bad request, a missing job or a job that is not `NEW`.
    func start(_ request: StartJob) async throws -> StartJob {
        guard request.type == "StartJob" else { throw Problem.invalidField("/type", "must be \"StartJob\"") }
        guard let jobID = ResourceLink.id(in: request.job, collection: "Job") else {
            throw Problem.invalidField("/job", "must be the URL of a job, such as \(baseURL)/Job/{id}")
        }
        if let timeout = request.timeoutSeconds, !(timeout > 0 && timeout <= Self.longestTimeout) {
            throw Problem.invalidField("/timeoutSeconds", "must be a number of seconds above 0, at most a year")
        }
        try Self.checkCallback(request.asyncEndpoint?.success, pointer: "/asyncEndpoint/success")
        try Self.checkCallback(request.asyncEndpoint?.failure, pointer: "/asyncEndpoint/failure")
        guard let job = try await storeCall({ try await ledger.job(at: request.job) }) else {
            throw Problem.invalidField("/job", "there is no job at \(request.job)")
        }
        guard job.status == .new else {
            throw Problem.conflict("The job is \(job.status.rawValue); only a NEW job can be started", pointer: "/job")
        }
        guard try await directory.offers(job.type, profile: job.jobProfile.label) else {
            throw Problem.invalidField(
                "/job", "no registered service runs \(job.type.rawValue) jobs with profile \(job.jobProfile.label)")
        }
        let priority = request.priority ?? .medium
        var startJob = request
        startJob.context = context
        startJob.priority = priority
        // A job this node has room for is claimed by it as it is queued: no other node is woken for it, and
        // the dispatcher sends it off without claiming it again. A delayed start waits for any node.
        let now = Timestamp.now()
        let delayedUntil = request.notBefore.flatMap { $0 > now ? $0 : nil }
        var entry = DispatchEntry(
            jobID: jobID, jobURL: request.job, jobType: job.type, profile: job.jobProfile.label, priority: priority,
            notBefore: delayedUntil,
            deadline: request.timeoutSeconds.map { (delayedUntil ?? now).addingTimeInterval($0) })
        if delayedUntil == nil, let lease = dispatcher.claimOnQueueing(profile: entry.profile, now: now) {
            entry = entry.claimed(by: lease)
        }
        let (record, _) = try await storeCall {
            try await ledger.queue(jobAt: request.job, startJob: startJob, entry: entry, now: now)
        }
        if entry.claimedBy != nil { dispatcher.take(entry) } else { dispatcher.wake() }
        if let deadline = entry.deadline { dispatcher.expect(deadline: deadline) }
        return record
    }

    /// Takes a service's `UpdateJob` or `StopJob`. An `UpdateJob` with `jobStatus` QUEUED hands the job back:
    /// its service stopped it unfinished, and it is queued again at once.
    /// - Returns: the job as it now is.
    func report(_ report: JobReport, final: Bool) async throws -> Job {
        guard ResourceLink.isLink(report.job, collection: "Job") else {
            throw Problem.invalidField("/job", "must be the URL of a job")
        }
        if !final, report.jobStatus == .queued {
            guard let processJob = report.processJob else {
                throw Problem.invalidField("/processJob", "is required to hand a job back (jobStatus QUEUED)")
            }
            return try await storeCall { try await dispatcher.handBack(jobAt: report.job, processJob: processJob) }.job
        }
        if final != report.jobStatus.isFinal {
            let allowed = final ? "COMPLETED, FAILED or CANCELED" : "RUNNING or QUEUED"
            throw Problem.invalidField("/jobStatus", "must be \(allowed) in \(final ? "StopJob" : "UpdateJob")")
        }
        if let progress = report.progress, !(0...100).contains(progress) {
            throw Problem.invalidField("/progress", "must be between 0 and 100")
        }
        let now = Timestamp.now()
        let transition = try await storeCall {
            try await ledger.apply(
                .reported(report), toJobAt: report.job, lease: Lease(owner: "service", until: now + leaseDuration),
                now: now)
        }
        settled(transition, jobURL: report.job)
        return transition.job
    }

    /// Cancels a job that has not ended, telling its service to stop.
    func cancel(jobAt url: String) async throws -> Job {
        guard ResourceLink.isLink(url, collection: "Job") else {
            throw Problem.invalidField("/job", "must be the URL of a job")
        }
        let transition = try await storeCall {
            try await ledger.apply(.cancelRequested, toJobAt: url, lease: nil, now: Timestamp.now())
        }
        settled(transition, jobURL: url)
        if let processJob = transition.cancelProcessJob {
            await dispatcher.forwardCancel(processJob)
        }
        return transition.job
    }

    private func settled(_ transition: JobTransition, jobURL: String) {
        if transition.leavesQueue, let jobID = ResourceLink.id(in: jobURL, collection: "Job") {
            dispatcher.release(jobID: jobID)
        }
    }

    /// The longest `timeoutSeconds` a `StartJob` may give: a year.
    static let longestTimeout = 366.0 * 24 * 3600

    static func checkCallback(_ url: String?, pointer: String) throws {
        guard let url else { return }
        guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme?.lowercased()), parsed.host != nil
        else { throw Problem.invalidField(pointer, "must be an absolute http or https URL") }
    }
}

extension Date {
    static func + (date: Date, duration: Duration) -> Date { date.addingTimeInterval(duration.seconds) }
}
