import Foundation

/// Something that happens to a job.
public enum JobEvent: Sendable, Equatable {
    /// A `StartJob` was accepted: the job waits for a service.
    case queued(startJob: String, priority: JobPriority)
    /// A service accepted the `ProcessJob`.
    case scheduled(processJob: String)
    /// A service reported progress or the end.
    case reported(JobReport)
    /// Somebody asked to cancel the job.
    case cancelRequested
    /// The service holding the job stopped answering; it goes back to the queue.
    case leaseExpired
    /// The service running the job under `processJob` stopped it unfinished as its node shut down; it goes back
    /// to the queue, unless it runs under another `ProcessJob` by now.
    case handedBack(processJob: String)
    /// The processor gave up on the job, e.g. no service could take it.
    case abandoned(reason: String)
    /// The job had not ended within its `StartJob`'s `timeoutSeconds`; a service running it is told to stop.
    case timedOut
}

/// What the job lifecycle decided for one event: the job as it now is, and what the caller must do.
public struct JobTransition: Sendable, Equatable {
    /// The job after the event.
    public var job: Job
    /// False when the event changed nothing (a duplicate or late report) and nothing is to be written.
    public var changed: Bool
    /// True when the job left the processor's dispatch queue for good.
    public var leavesQueue: Bool
    /// The caller's `asyncEndpoint` to notify with the final job, if any.
    public var notify: String?
    /// The `ProcessJob` the running service should be told to cancel, if any.
    public var cancelProcessJob: String?

    public init(job: Job, changed: Bool, leavesQueue: Bool, notify: String?, cancelProcessJob: String?) {
        self.job = job
        self.changed = changed
        self.leavesQueue = leavesQueue
        self.notify = notify
        self.cancelProcessJob = cancelProcessJob
    }
}

/// The job lifecycle as a pure function: a job and an event in, a transition out.
public enum JobLifecycle {
    /// Applies `event` to `job` at `now`; `endpoint` is the caller's `asyncEndpoint` from the `StartJob`.
    /// - Throws: `JobLifecycleError` when the event cannot happen to a job in its current status.
    public static func apply(
        _ event: JobEvent, to job: Job, endpoint: AsyncEndpoint?, now: Date
    ) throws(JobLifecycleError) -> JobTransition {
        var next = job
        let status = job.status
        func done(_ notify: Bool, leaves: Bool, cancel: String? = nil) -> JobTransition {
            next.dateModified = now
            let target = notify ? (next.status == .completed ? endpoint?.success : endpoint?.failure) : nil
            return JobTransition(job: next, changed: true, leavesQueue: leaves, notify: target, cancelProcessJob: cancel)
        }
        let unchanged = JobTransition(job: job, changed: false, leavesQueue: false, notify: nil, cancelProcessJob: nil)
        /// Back to the queue from a service that no longer runs the job.
        func queuedAgain(_ message: String) -> JobTransition {
            guard status == .scheduled || status == .running else { return unchanged }
            next.jobStatus = .queued
            next.processJob = nil
            next.statusMessage = message
            return done(false, leaves: false)
        }

        switch event {
        case .queued(let startJob, let priority):
            guard status == .new else { throw .init(status: status, event: "StartJob") }
            next.jobStatus = .queued
            next.startJob = startJob
            next.priority = priority
            return done(false, leaves: false)

        case .scheduled(let processJob):
            guard status == .queued else { return unchanged }
            next.jobStatus = .scheduled
            next.processJob = processJob
            return done(false, leaves: false)

        case .reported(let report):
            if status.isFinal || status == .new { return unchanged }
            if let sender = report.processJob, let current = job.processJob, sender != current { return unchanged }
            next.processJob = job.processJob ?? report.processJob
            if report.jobStatus.isFinal {
                next.jobStatus = report.jobStatus
                next.jobOutput = report.jobOutput ?? next.jobOutput
                next.statusMessage = report.statusMessage ?? next.statusMessage
                if report.jobStatus == .completed { next.progress = 100 }
                return done(true, leaves: true)
            }
            guard report.jobStatus == .running else { return unchanged }
            next.jobStatus = .running
            if let progress = report.progress { next.progress = min(max(progress, 0), 100) }
            if let message = report.statusMessage { next.statusMessage = message }
            return done(false, leaves: false)

        case .cancelRequested:
            guard !status.isFinal else { throw .init(status: status, event: "CancelJob") }
            next.jobStatus = .canceled
            next.statusMessage = "Canceled on request"
            return done(status != .new, leaves: true, cancel: job.runningProcessJob)

        case .leaseExpired:
            return queuedAgain("Service stopped reporting; queued again")

        case .handedBack(let processJob):
            guard processJob == job.processJob else { return unchanged }
            return queuedAgain("Service shut down; queued again")

        case .abandoned(let reason):
            guard !status.isFinal else { return unchanged }
            next.jobStatus = .failed
            next.statusMessage = reason
            return done(true, leaves: true)

        case .timedOut:
            guard !status.isFinal else { return unchanged }
            next.jobStatus = .failed
            next.statusMessage = "Timed out: not finished within the timeoutSeconds of its StartJob"
            return done(true, leaves: true, cancel: job.runningProcessJob)
        }
    }
}

extension Job {
    /// The `ProcessJob` of the service running the job, if one is.
    fileprivate var runningProcessJob: String? { status == .scheduled || status == .running ? processJob : nil }
}

/// An event that cannot happen to a job in its current status, such as starting a job twice.
public struct JobLifecycleError: Error, Sendable, Equatable, CustomStringConvertible {
    public var status: JobStatus
    public var event: String

    public var description: String { "\(event) is not allowed for a job whose jobStatus is \(status.rawValue)" }
}
