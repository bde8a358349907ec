/// A function argument: a value (nil when undefined), a regular expression or a function.
enum JSONataArgument {
    case value(JSONValue?)
    case regex(JSONataRegex)
    case function(parameters: [String], body: JSONataNode)

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

    static func call(_ name: String, _ arguments: [JSONataArgument], in environment: inout JSONataEnvironment) throws(JSONataError)
        -> JSONValue?
    {
        guard let function = library[name] else { throw JSONataError("T1006: $\(name) is not a function") }
        return try function(Arguments(function: name, list: arguments), &environment)
    }

    /// `$string`: a string as it is, anything else as compact JSON.
    static func string(_ value: JSONValue?) -> String {
        guard let value else { return "" }
        return value.stringValue ?? JSONText.serialize(value)
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
