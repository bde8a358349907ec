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

    /// JSONata's signatures of its functions, which each call's arguments are checked against (see
    /// `JSONataSignature`). Step Functions' own functions have none: they check their arguments themselves.
    static let signatures: [String: JSONataSignature] = [
        "sum": "<a<n>:n>", "count": "<a:n>", "max": "<a<n>:n>", "min": "<a<n>:n>", "average": "<a<n>:n>",
        "string": "<x-b?:s>", "substring": "<s-nn?:s>", "substringBefore": "<s-s:s>", "substringAfter": "<s-s:s>",
        "lowercase": "<s-:s>", "uppercase": "<s-:s>", "length": "<s-:n>", "trim": "<s-:s>", "pad": "<s-ns?:s>",
        "match": "<s-f<s:o>n?:a<o>>", "contains": "<s-(sf):b>", "replace": "<s-(sf)(sf)n?:s>", "split": "<s-(sf)n?:a<s>>",
        "join": "<a<s>s?:s>", "formatNumber": "<n-so?:s>", "formatBase": "<n-n?:s>", "formatInteger": "<n-s:s>",
        "parseInteger": "<s-s:n>", "number": "<(nsb)-:n>", "floor": "<n-:n>", "ceil": "<n-:n>", "round": "<n-n?:n>",
        "abs": "<n-:n>", "sqrt": "<n-:n>", "power": "<n-n:n>", "boolean": "<x-:b>", "not": "<x-:b>", "map": "<af>",
        "zip": "<a+>", "filter": "<af>", "single": "<af?>", "reduce": "<afj?:j>", "sift": "<o-f?:o>", "keys": "<x-:a<s>>",
        "lookup": "<x-s:x>", "append": "<xx:a>", "exists": "<x:b>", "spread": "<x-:a<o>>", "merge": "<a<o>:o>",
        "reverse": "<a:a>", "each": "<o-f:a>", "error": "<s?:x>", "assert": "<bs?:x>", "type": "<x:s>", "sort": "<af?:a>",
        "shuffle": "<a:a>", "distinct": "<x:x>", "base64encode": "<s-:s>", "base64decode": "<s-:s>",
        "encodeUrlComponent": "<s-:s>", "encodeUrl": "<s-:s>", "decodeUrlComponent": "<s-:s>", "decodeUrl": "<s-:s>",
        "toMillis": "<s-s?:n>", "fromMillis": "<n-s?s?:s>", "now": "<s?s?:s>", "millis": "<:n>",
    ].mapValues { text in
        // The table is ours and a test reads every entry, so none fails to parse.
        try! JSONataSignature(text)
    }

    /// How many arguments `$map`, `$reduce` and the like hand each built-in function: as many as JSONata's
    /// JavaScript declares it with; one for any function not named.
    private static let handed: [String: Int] = [
        "lookup": 2, "split": 3, "contains": 2, "replace": 4, "pad": 3, "substring": 3, "substringBefore": 2,
        "substringAfter": 2, "match": 3, "power": 2, "round": 2, "formatNumber": 3, "formatBase": 2, "formatInteger": 2,
        "parseInteger": 2, "append": 2, "join": 2, "each": 2, "sift": 2, "fromMillis": 3, "toMillis": 2,
    ]

    /// How many arguments `$map`, `$reduce` and the like hand the built-in function `name`.
    static func arity(of name: String) -> Int { handed[name] ?? 1 }

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

        /// Whether the argument is a function (a regular expression is one too).
        func isFunction(_ index: Int) -> Bool {
            guard index < list.count else { return false }
            if case .value = list[index] { return false }
            return true
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
