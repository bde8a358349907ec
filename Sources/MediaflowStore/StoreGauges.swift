import MediaflowModel

/// What an operator watches in a store: the work not yet done and the callbacks not yet delivered. Every node
/// sharing a database reads the same figures.
public struct StoreGauges: Sendable, Equatable {
    /// Jobs that have not ended, by status; a status with none is absent.
    public var unfinishedJobs: [JobStatus: Int] = [:]
    /// Started jobs that no service holds yet (delayed starts among them), by job profile.
    public var waitingJobs: [String: Int] = [:]
    /// Started jobs a service holds.
    public var heldJobs = 0
    /// Callbacks not delivered, by state (pending and dead).
    public var undeliveredCallbacks: [OutboxState: Int] = [:]

    public init() {}

    /// The queries a database driver reads the gauges with, each answering a name and a count in every row;
    /// each is served by an index, whatever the number of finished jobs. Written for SQLite and PostgreSQL alike.
    public static let queries: [(sql: String, gauge: Gauge)] = [
        (
            "SELECT status, COUNT(*) FROM job WHERE status IN ("
                + JobStatus.allCases.filter { !$0.isFinal }.map { "'\($0.rawValue)'" }.joined(separator: ", ")
                + ") GROUP BY status", .unfinishedJobs
        ),
        ("SELECT profile, COUNT(*) FROM dispatch WHERE lease_until IS NULL GROUP BY profile", .waitingJobs),
        ("SELECT 'held', COUNT(*) FROM dispatch WHERE lease_until IS NOT NULL", .heldJobs),
        (
            "SELECT state, COUNT(*) FROM outbox WHERE state IN ('pending', 'dead') GROUP BY state",
            .undeliveredCallbacks
        ),
    ]

    /// Which figure a query's rows give.
    public enum Gauge: Sendable {
        case unfinishedJobs, waitingJobs, heldJobs, undeliveredCallbacks
    }

    /// Records one row of a query: the figure `count` for `name`.
    public mutating func record(_ gauge: Gauge, name: String, count: Int) {
        switch gauge {
        case .unfinishedJobs: JobStatus(rawValue: name).map { unfinishedJobs[$0] = count }
        case .waitingJobs: waitingJobs[name] = count
        case .heldJobs: heldJobs = count
        case .undeliveredCallbacks: OutboxState(rawValue: name).map { undeliveredCallbacks[$0] = count }
        }
    }
}
