/// An error raised while a state runs: a name that Retry and Catch match on, and a cause.
///
/// The predefined names are those of the States Language specification.
public struct StatesError: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    /// The error name, e.g. `States.Timeout` or a name chosen by a task or a Fail state.
    public var name: String
    /// A human-readable explanation.
    public var cause: String

    public init(_ name: String, _ cause: String) {
        self.name = name
        self.cause = cause
    }

    public var description: String { "\(name): \(cause)" }

    /// The error output a Catch hands to its next state: `{"Error": …, "Cause": …}`.
    public var output: JSONValue { .object(["Error": .string(name), "Cause": .string(cause)]) }

    /// Terminal errors fail the execution: no Retry or Catch applies to them.
    public var isTerminal: Bool { name == Self.runtime || name == Self.dataLimitExceeded }

    public static let all = "States.ALL"
    public static let runtime = "States.Runtime"
    public static let timeout = "States.Timeout"
    public static let heartbeatTimeout = "States.HeartbeatTimeout"
    public static let taskFailed = "States.TaskFailed"
    public static let permissions = "States.Permissions"
    public static let resultPathMatchFailure = "States.ResultPathMatchFailure"
    public static let parameterPathFailure = "States.ParameterPathFailure"
    public static let branchFailed = "States.BranchFailed"
    public static let noChoiceMatched = "States.NoChoiceMatched"
    public static let intrinsicFailure = "States.IntrinsicFailure"
    public static let exceedToleratedFailureThreshold = "States.ExceedToleratedFailureThreshold"
    public static let itemReaderFailed = "States.ItemReaderFailed"
    public static let resultWriterFailed = "States.ResultWriterFailed"
    public static let dataLimitExceeded = "States.DataLimitExceeded"
    public static let queryEvaluationError = "States.QueryEvaluationError"

    /// A `States.Runtime` error.
    static func runtime(_ cause: String) -> StatesError { StatesError(runtime, cause) }
    /// A `States.IntrinsicFailure` error.
    static func intrinsic(_ cause: String) -> StatesError { StatesError(intrinsicFailure, cause) }
}
