import Foundation

/// One state of a state machine, compiled: paths parsed, templates compiled, rules built.
struct StateNode: Sendable {
    enum Kind: String, Sendable, CaseIterable {
        case pass = "Pass", task = "Task", choice = "Choice", wait = "Wait", succeed = "Succeed", fail = "Fail"
        case parallel = "Parallel", map = "Map"
    }

    /// How InputPath and OutputPath are given: absent (`$`), `null` (an empty object), or a path.
    enum Selection: Sendable {
        case whole
        case discard
        case path(JSONPath)
    }

    /// How ResultPath is given: absent (`$`, the result replaces the input), `null` (the result is
    /// discarded), or a reference path into the input.
    enum ResultPlacement: Sendable {
        case replace
        case discard
        case path(JSONPath)
    }

    /// A number given literally, through a path (`TimeoutSeconds` / `TimeoutSecondsPath`), or by a JSONata
    /// expression.
    enum Amount: Sendable {
        case literal(Double)
        case path(JSONPath)
        case expression(PayloadTemplate)
    }

    /// A string given literally or computed (`Error` / `ErrorPath`, or a JSONata expression).
    enum Text: Sendable {
        case literal(String)
        case path(JSONPath)
        case intrinsic(IntrinsicCall)
        case expression(PayloadTemplate)
    }

    let name: String
    let kind: Kind
    /// Whether the state's fields are written in JSONata (`QueryLanguage`) rather than JSONPath.
    var usesJSONata = false
    var next: String?
    var end = false
    var inputPath = Selection.whole
    var outputPath = Selection.whole
    var resultPath = ResultPlacement.replace
    var parameters: PayloadTemplate?
    var resultSelector: PayloadTemplate?
    var result: JSONValue?
    var assign: PayloadTemplate?
    /// JSONata's `Output`: the state's output, made from `$states.input` and `$states.result`.
    var output: PayloadTemplate?
    var retriers: [Retrier] = []
    var catchers: [Catcher] = []

    // Task
    var resource: String?
    var timeoutSeconds: Amount?
    var heartbeatSeconds: Amount?

    // Choice
    var choices: [ChoiceBranch] = []
    var defaultNext: String?

    // Wait
    var waitSeconds: Amount?
    var waitTimestamp: Text?

    // Fail
    var error: Text?
    var cause: Text?

    // Parallel and Map: indexes into the compiled machine's scopes.
    var branchScopes: [Int] = []
    var iteratorScope: Int?
    var itemsPath: JSONPath?
    /// JSONata's `Items`: the array a Map state iterates over (by default its input).
    var items: PayloadTemplate?
    var itemSelector: PayloadTemplate?
    var maxConcurrency: Amount?
    var toleratedFailureCount: Amount?
    var toleratedFailurePercentage: Amount?
    var batchMaxItems: Amount?
    var batchInput: PayloadTemplate?
    var isBatched = false
}

/// One Choice rule: its condition, the state it leads to, and what it assigns (and in JSONata, outputs).
struct ChoiceBranch: Sendable {
    let condition: ChoiceCondition
    let next: String
    let assign: PayloadTemplate?
    var output: PayloadTemplate?
}

/// A Retry entry.
struct Retrier: Sendable {
    var errorEquals: [String]
    var intervalSeconds = 1.0
    var maxAttempts = 3
    var backoffRate = 2.0
    var maxDelaySeconds: Double?
    var fullJitter = false

    /// The delay before retry number `attempt` (0-based), before jitter.
    func delay(forAttempt attempt: Int) -> Double {
        let delay = intervalSeconds * pow(backoffRate, Double(attempt))
        return maxDelaySeconds.map { min($0, delay) } ?? delay
    }
}

/// A Catch entry.
struct Catcher: Sendable {
    var errorEquals: [String]
    var next: String
    var resultPath = StateNode.ResultPlacement.replace
    var assign: PayloadTemplate?
    /// JSONata's `Output`, made from `$states.errorOutput` (which it is by default).
    var output: PayloadTemplate?
}

extension [String] {
    /// Whether an `ErrorEquals` list matches an error name (`States.ALL` matches every
    /// non-terminal error; `States.TaskFailed` matches any error but `States.Timeout`).
    func matches(_ error: StatesError) -> Bool {
        if error.isTerminal { return contains(error.name) }
        return contains(error.name) || contains(StatesError.all)
            || (contains(StatesError.taskFailed) && error.name != StatesError.timeout && !error.name.hasPrefix("States."))
    }
}
