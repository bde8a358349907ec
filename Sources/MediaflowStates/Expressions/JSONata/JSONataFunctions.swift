/// A function argument: a value (nil when undefined), a regular expression or a function.
enum JSONataArgument {
    case value(JSONValue?)
    case regex(JSONataRegex)
    case function(JSONataCallable)

    var value: JSONValue? {
        if case .value(let value) = self { return value }
        return nil
    }
}

/// What JSONata's functions draw on beyond their arguments: the execution's random source and clock.
struct JSONataEnvironment {
    var random: SplitMix64
    /// Seconds since 1970.
    let now: Double
}

/// A built-in function: its arguments, and what the execution lends (random numbers, the clock).
typealias JSONataFunction = @Sendable (JSONataFunctions.Arguments, inout JSONataEnvironment) throws(JSONataError) -> JSONValue?

/// JSONata's built-in functions, and those Step Functions adds (`$partition`, `$range`, `$hash`, `$random`,
/// `$uuid`, `$parse`), by name. Those that take a function (`$map`, `$filter`, …) are the evaluator's.
enum JSONataFunctions {
    static let library: [String: JSONataFunction] = strings.merging(numbers) { $1 }.merging(collections) { $1 }
        .merging(stepFunctions) { $1 }

    /// The functions that take a function (`$map`, …), done by the evaluator.
    static let higherOrder: Set<String> = ["map", "filter", "reduce", "sort", "single", "each", "sift"]

    static func isBuiltIn(_ name: String) -> Bool { library[name] != nil || higherOrder.contains(name) }

    /// What the first argument of each function that may take the context instead (`Surname.$uppercase()`)
    /// must be: a string (`s`), a number (`n`), or anything (`x`, taken from the context only when no argument
    /// is given).
    private static let contextArgument: [String: Character] = [
        "string": "x", "length": "s", "uppercase": "s", "lowercase": "s", "trim": "s", "pad": "s", "substring": "s",
        "substringBefore": "s", "substringAfter": "s", "contains": "s", "split": "s", "match": "s", "replace": "s",
        "base64encode": "s", "base64decode": "s", "encodeUrlComponent": "s", "encodeUrl": "s", "decodeUrlComponent": "s",
        "decodeUrl": "s", "parseInteger": "s", "toMillis": "s", "number": "x", "boolean": "x", "not": "x", "keys": "x",
        "spread": "x", "lookup": "x", "floor": "n", "ceil": "n", "round": "n", "abs": "n", "sqrt": "n", "power": "n",
        "formatNumber": "n", "formatBase": "n", "formatInteger": "n", "fromMillis": "n", "each": "x", "sift": "x",
    ]

    /// How many arguments a function must be given, and how many it is handed by `$map`, `$reduce` and the like
    /// (those before its optional ones, as in JSONata's JavaScript); one and one for any function not named.
    private static let parameterCounts: [String: (required: Int, handed: Int)] = [
        "lookup": (2, 2), "split": (2, 3), "contains": (2, 2), "replace": (3, 4), "pad": (2, 3), "substring": (2, 3),
        "substringBefore": (2, 2), "substringAfter": (2, 2), "match": (2, 3), "power": (2, 2), "round": (1, 2),
        "formatNumber": (2, 3), "formatBase": (1, 2), "formatInteger": (2, 2), "parseInteger": (2, 2), "append": (2, 2),
        "join": (1, 2), "each": (2, 2), "sift": (2, 2), "fromMillis": (1, 3), "toMillis": (1, 2),
    ]

    /// How many arguments `$map`, `$reduce` and the like hand the built-in function `name`.
    static func arity(of name: String) -> Int { parameterCounts[name]?.handed ?? 1 }

    /// The arguments of `name` with the context before them when the function takes it in place of a first
    /// argument that is not given: none at all, too few, or a first of the wrong type.
    static func withContext(_ name: String, _ arguments: [JSONataArgument], context: JSONValue?) -> [JSONataArgument] {
        guard let kind = contextArgument[name], let context else { return arguments }
        guard let first = arguments.first, arguments.count >= parameterCounts[name]?.required ?? 1 else {
            return [.value(context)] + arguments
        }
        switch (kind, first) {
        case ("s", .value(.string?)), ("n", .value(.number?)), ("x", _): return arguments
        case ("s", _) where context.stringValue != nil: return [.value(context)] + arguments
        case ("n", _) where context.numberValue != nil: return [.value(context)] + arguments
        default: return arguments
        }
    }

    static func call(_ name: String, _ arguments: [JSONataArgument], in environment: inout JSONataEnvironment) throws(JSONataError)
        -> JSONValue?
    {
        guard let function = library[name] else { throw JSONataError("T1006: $\(name) is not a function") }
        return try function(Arguments(function: name, list: arguments), &environment)
    }

    /// `$string`: a string as it is, anything else as JSON text (see `JSONataText`).
    static func string(_ value: JSONValue?, pretty: Bool = false) -> String {
        guard let value else { return "" }
        return value.stringValue ?? JSONataText.text(value, pretty: pretty)
    }

    static func typeName(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    /// A call's arguments, read by position with the type each function expects.
    struct Arguments {
        let function: String
        let list: [JSONataArgument]

        func optional(_ index: Int) throws(JSONataError) -> JSONValue? {
            guard index < list.count else { return nil }
            guard case .value(let value) = list[index] else { throw mismatch(index, "a value") }
            return value
        }

        func string(_ index: Int) throws(JSONataError) -> String? {
            guard let value = try optional(index) else { return nil }
            guard case .string(let text) = value else { throw mismatch(index, "a string") }
            return text
        }

        func number(_ index: Int) throws(JSONataError) -> Double? {
            guard let value = try optional(index) else { return nil }
            guard case .number(let number) = value else { throw mismatch(index, "a number") }
            return number
        }

        /// The argument as an array (a single value counts as an array of one); nil when undefined.
        func array(_ index: Int) -> [JSONValue]? {
            guard index < list.count, let value = list[index].value else { return nil }
            return JSONataEvaluator.items(of: value)
        }

        func regex(_ index: Int) -> JSONataRegex? {
            guard index < list.count, case .regex(let regex) = list[index] else { return nil }
            return regex
        }

        func mismatch(_ index: Int, _ expected: String) -> JSONataError {
            JSONataError("T0410: argument \(index + 1) of function $\(function) is not \(expected)")
        }
    }
}
