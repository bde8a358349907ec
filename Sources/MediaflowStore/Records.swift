import Foundation
import MediaflowModel

/// A filter and page request for listing jobs, newest first.
public struct JobQuery: Sendable, Equatable {
    public var status: JobStatus?
    public var type: JobType?
    public var profile: String?
    public var createdAfter: Date?
    public var createdBefore: Date?
    public var limit: Int
    /// The opaque cursor of the previous page's `nextCursor`.
    public var cursor: String?

    /// A query; every filter is optional.
    public init(
        status: JobStatus? = nil, type: JobType? = nil, profile: String? = nil, createdAfter: Date? = nil,
        createdBefore: Date? = nil, limit: Int = 50, cursor: String? = nil
    ) {
        self.status = status
        self.type = type
        self.profile = profile
        self.createdAfter = createdAfter
        self.createdBefore = createdBefore
        self.limit = limit
        self.cursor = cursor
    }

    /// True when `job` passes every filter (the cursor aside).
    public func matches(_ job: Job) -> Bool {
        if let status, job.status != status { return false }
        if let type, job.type != type { return false }
        if let profile, job.jobProfile.label != profile { return false }
        if let createdAfter, let created = job.dateCreated, created < createdAfter { return false }
        if let createdBefore, let created = job.dateCreated, created >= createdBefore { return false }
        return true
    }
}

/// A stored job and the version of its record: every change of the job adds one, whichever way it is made,
/// so a write made from one version can be refused when another came first.
public struct VersionedJob: Sendable, Equatable {
    public var job: Job
    public var version: Int64

    public init(job: Job, version: Int64) {
        self.job = job
        self.version = version
    }
}

/// One page of jobs and the cursor of the next, nil on the last page.
public struct JobPage: Sendable, Equatable {
    public var jobs: [Job]
    public var nextCursor: String?

    public init(jobs: [Job], nextCursor: String?) {
        self.jobs = jobs
        self.nextCursor = nextCursor
    }
}

/// A started job waiting in, or claimed from, the job processor's dispatch queue.
public struct DispatchEntry: Sendable, Equatable {
    public var jobID: String
    public var jobURL: String
    public var jobType: JobType
    public var profile: String
    public var priority: JobPriority
    /// Dispatch attempts so far.
    public var attempts: Int
    /// When a delayed start lets the job be dispatched; nil: at once. Only queueing reads it.
    public var notBefore: Date?
    /// When the job times out if it has not ended; nil: never. Only queueing reads it.
    public var deadline: Date?
    /// The lease of the dispatcher that had room for the job when it was queued and took it there and
    /// then, so that the job runs on the node that has it at hand and nobody claims it (nor is woken for
    /// it) unless the lease runs out. Nil: the entry waits for any dispatcher, as it does again once it
    /// goes back in the queue. Only queueing reads it.
    public var claimedBy: Lease?

    public init(
        jobID: String, jobURL: String, jobType: JobType, profile: String, priority: JobPriority, attempts: Int = 0,
        notBefore: Date? = nil, deadline: Date? = nil, claimedBy: Lease? = nil
    ) {
        self.jobID = jobID
        self.jobURL = jobURL
        self.jobType = jobType
        self.profile = profile
        self.priority = priority
        self.attempts = attempts
        self.notBefore = notBefore
        self.deadline = deadline
        self.claimedBy = claimedBy
    }

    /// The entry as queued by a dispatcher that takes it at once, under `lease`: its first attempt.
    public func claimed(by lease: Lease) -> DispatchEntry {
        var entry = self
        entry.attempts += 1
        entry.claimedBy = lease
        return entry
    }
}

/// A claim on work (a dispatch entry or outbox message): who holds it, and until when.
public struct Lease: Sendable, Equatable {
    public var owner: String
    public var until: Date

    public init(owner: String, until: Date) {
        self.owner = owner
        self.until = until
    }
}

/// A notification written in the same transaction as the change it reports, delivered later at least once.
public struct OutboxMessage: Sendable, Equatable {
    /// Stable id, sent as the `Idempotency-Key` header.
    public var id: String
    public var target: String
    public var body: Data
    public var attempts: Int
    public var nextAttemptAt: Date
    public var state: OutboxState
    public var lastError: String?
    public var createdAt: Date
    /// The claim of the outbox dispatcher that delivers it as it is written, without claiming it from the store;
    /// nil when it waits for any. Written with the message, never read back.
    public var claimedBy: Lease?

    public init(
        id: String = UniqueID.make(), target: String, body: Data, attempts: Int = 0,
        nextAttemptAt: Date, state: OutboxState = .pending, lastError: String? = nil, createdAt: Date,
        claimedBy: Lease? = nil
    ) {
        self.id = id
        self.target = target
        self.body = body
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.state = state
        self.lastError = lastError
        self.createdAt = createdAt
        self.claimedBy = claimedBy
    }
}

/// Where an outbox message stands.
public enum OutboxState: String, Sendable, Codable, CaseIterable {
    case pending, delivered, dead
}

/// What a job transition does to the job's entry in the dispatch queue; every driver applies this one rule.
public enum QueueChange: Sendable, Equatable {
    /// The job ended: its entry goes.
    case leave
    /// The job is queued again: its entry waits, unclaimed.
    case requeue
    /// A service holds the job: its entry is dispatched under this lease.
    case hold(Lease)
    /// Nothing changes.
    case none

    /// The change for `transition`, with `lease` renewing a held job.
    public init(_ transition: JobTransition, lease: Lease?) {
        if transition.leavesQueue {
            self = .leave
        } else if transition.job.status == .queued {
            self = .requeue
        } else if let lease {
            self = .hold(lease)
        } else {
            self = .none
        }
    }
}
