/// An error from a store, whatever the backend; drivers translate their own errors into it.
public struct StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Code: Sendable, Equatable {
        case notFound, conflict, outdated, unavailable
    }
    private let code: Code
    /// What went wrong, safe to show a client: no SQL, no secrets.
    public let message: String

    /// The record does not exist.
    public static func notFound(_ message: String) -> StoreError { StoreError(code: .notFound, message: message) }
    /// The record is not in a state that allows the change.
    public static func conflict(_ message: String) -> StoreError { StoreError(code: .conflict, message: message) }
    /// Job `id` is at version `current`, not at the `version` a conditional write was made from.
    public static func outdated(id: String, version: Int64, current: Int64) -> StoreError {
        StoreError(code: .outdated, message: "Job \(id) is at version \(current), not \(version): it changed since it was read")
    }
    /// StartJob `id` started its job, so it stays as long as the job.
    public static func startedBy(startJob id: String) -> StoreError {
        .conflict("StartJob \(id) started its job; it goes with the job")
    }
    /// Callback `id` is `state`, not dead, so it is not delivered again on request.
    public static func notDead(callback id: String, state: OutboxState) -> StoreError {
        let reason = state == .delivered ? "was delivered" : "is pending: it is delivered without being asked"
        return .conflict("Callback \(id) \(reason); only a dead letter is delivered again")
    }
    /// The backend failed; the operation may be retried.
    public static func unavailable(_ message: String) -> StoreError { StoreError(code: .unavailable, message: message) }

    public var isNotFound: Bool { code == .notFound }
    public var isConflict: Bool { code == .conflict }
    public var isOutdated: Bool { code == .outdated }
    public var description: String { message }
}
