/// Where a job stands in its lifecycle: `NEW → QUEUED → (SCHEDULED) → RUNNING → COMPLETED | FAILED | CANCELED`.
public enum JobStatus: String, Codable, Sendable, CaseIterable {
    case new = "NEW"
    case queued = "QUEUED"
    case scheduled = "SCHEDULED"
    case running = "RUNNING"
    case completed = "COMPLETED"
    case failed = "FAILED"
    case canceled = "CANCELED"

    /// True once the job can change no more.
    public var isFinal: Bool {
        switch self {
        case .completed, .failed, .canceled: true
        case .new, .queued, .scheduled, .running: false
        }
    }
}

/// The kinds of job the repository stores.
public enum JobType: String, Codable, Sendable, CaseIterable {
    case ameJob = "AmeJob"
    case transformJob = "TransformJob"
    case qaJob = "QAJob"
    case workflowJob = "WorkflowJob"
}

/// How urgently a started job should be dispatched.
public enum JobPriority: String, Codable, Sendable, CaseIterable, Comparable {
    case low = "LOW"
    case medium = "MEDIUM"
    case high = "HIGH"
    case urgent = "URGENT"

    /// A number that sorts the priorities, higher first.
    public var rank: Int {
        switch self {
        case .low: 0
        case .medium: 1
        case .high: 2
        case .urgent: 3
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }
}
