import Foundation

/// A compiled regular expression literal (`/^clip_\d+$/i`).
struct JSONataRegex {
    let expression: NSRegularExpression

    init?(pattern: String, caseInsensitive: Bool, multiline: Bool) {
        var options: NSRegularExpression.Options = []
        if caseInsensitive { options.insert(.caseInsensitive) }
        if multiline { options.insert(.anchorsMatchLines) }
        guard let expression = try? NSRegularExpression(pattern: pattern, options: options) else { return nil }
        self.expression = expression
    }

    func matches(_ text: String) -> Bool {
        expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }
}

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

/// JSONata's built-in functions, and those Step Functions adds (`$partition`, `$range`, `$hash`, `$random`,
/// `$uuid`, `$parse`). Those that take a function (`$map`, `$filter`, `$reduce`, `$sort`) are the evaluator's.
enum JSONataFunctions {
    // swiftlint:disable:next cyclomatic_complexity function_body_length
    static func call(_ name: String, _ arguments: [JSONataArgument], in environment: inout JSONataEnvironment) throws(JSONataError)
        -> JSONValue?
    {
        let args = Arguments(function: name, list: arguments)
        switch name {
        case "string": return try args.optional(0).map { .string(string($0)) }
        case "length": return try args.string(0).map { .number(Double($0.count)) }
        case "uppercase": return try args.string(0).map { .string($0.uppercased()) }
        case "lowercase": return try args.string(0).map { .string($0.lowercased()) }
        case "trim":
            return try args.string(0).map { .string($0.split(whereSeparator: \.isWhitespace).joined(separator: " ")) }
        case "substring":
            guard let text = try args.string(0) else { return nil }
            let characters = Array(text)
            var start = Int(try args.number(1) ?? 0)
            if start < 0 { start = max(characters.count + start, 0) }
            start = min(start, characters.count)
            let length = try args.number(2).map { max(Int($0), 0) } ?? characters.count
            return .string(String(characters[start..<min(start + length, characters.count)]))
        case "substringBefore", "substringAfter":
            guard let text = try args.string(0), let marker = try args.string(1) else { return nil }
            guard let found = text.range(of: marker) else { return .string(text) }
            return .string(String(name == "substringBefore" ? text[..<found.lowerBound] : text[found.upperBound...]))
        case "contains":
            guard let text = try args.string(0) else { return nil }
            if let regex = args.regex(1) { return .bool(regex.matches(text)) }
            return .bool(text.contains(try args.string(1) ?? ""))
        case "split":
            guard let text = try args.string(0), let separator = try args.string(1) else { return nil }
            var parts = separator.isEmpty ? text.map(String.init) : text.components(separatedBy: separator)
            if let limit = try args.number(2) { parts = Array(parts.prefix(max(Int(limit), 0))) }
            return .array(parts.map { .string($0) })
        case "join":
            guard let values = args.array(0) else { return nil }
            let separator = try args.string(1) ?? ""
            var texts: [String] = []
            for value in values {
                guard case .string(let text) = value else { throw JSONataError("T0412: $join takes an array of strings") }
                texts.append(text)
            }
            return .string(texts.joined(separator: separator))
        case "replace":
            guard let text = try args.string(0), let pattern = try args.string(1), let replacement = try args.string(2) else { return nil }
            return .string(text.replacingOccurrences(of: pattern, with: replacement))
        case "number": return try number(args.optional(0))
        case "abs": return try args.number(0).map { .number(abs($0)) }
        case "floor": return try args.number(0).map { .number($0.rounded(.down)) }
        case "ceil": return try args.number(0).map { .number($0.rounded(.up)) }
        case "round":
            guard let value = try args.number(0) else { return nil }
            let precision = Int(try args.number(1) ?? 0)
            // Shifted through its decimal text, as JSONata does, so that 2.675 is 267.5 and not 267.49999…
            let shifted = Double("\(value)e\(precision)") ?? value * pow(10, Double(precision))
            let rounded = shifted.rounded(.toNearestOrEven)
            return .number(Double("\(rounded)e\(-precision)") ?? rounded / pow(10, Double(precision)))
        case "power":
            guard let base = try args.number(0), let exponent = try args.number(1) else { return nil }
            return .number(pow(base, exponent))
        case "sqrt": return try args.number(0).map { .number($0.squareRoot()) }
        case "sum", "max", "min", "average":
            guard let values = args.array(0) else { return nil }
            var numbers: [Double] = []
            for value in values {
                guard case .number(let number) = value else { throw JSONataError("T0412: $\(name) takes an array of numbers") }
                numbers.append(number)
            }
            if name == "sum" { return .number(numbers.reduce(0, +)) }
            guard !numbers.isEmpty else { return nil }
            switch name {
            case "max": return .number(numbers.max()!)
            case "min": return .number(numbers.min()!)
            default: return .number(numbers.reduce(0, +) / Double(numbers.count))
            }
        case "count": return .number(Double(args.array(0)?.count ?? 0))
        case "boolean": return try args.optional(0).map { .bool(JSONataEvaluator.truthy($0)) }
        case "not": return try args.optional(0).map { .bool(!JSONataEvaluator.truthy($0)) }
        case "exists": return .bool(args.list.first?.value != nil)
        case "append":
            guard let first = try args.optional(0) else { return try args.optional(1) }
            guard let second = try args.optional(1) else { return first }
            return .array(JSONataEvaluator.items(of: first) + JSONataEvaluator.items(of: second))
        case "reverse": return args.array(0).map { .array($0.reversed()) }
        case "distinct":
            guard let values = args.array(0) else { return nil }
            var seen = Set<JSONValue>()
            return .array(values.filter { seen.insert($0).inserted })
        case "sort":
            guard let values = args.array(0) else { return nil }
            if values.allSatisfy({ if case .number = $0 { true } else { false } }) {
                return .array(values.sorted { ($0.numberValue ?? 0) < ($1.numberValue ?? 0) })
            }
            let texts = values.compactMap(\.stringValue)
            guard texts.count == values.count else { throw JSONataError("D3070: $sort without a function sorts only numbers or only strings") }
            return .array(texts.sorted().map { .string($0) })
        case "keys":
            guard let value = try args.optional(0) else { return nil }
            let keys = JSONataEvaluator.items(of: value).flatMap { $0.objectValue.map { $0.keys.sorted() } ?? [] }
            var seen = Set<String>()
            return JSONataEvaluator.sequence(keys.filter { seen.insert($0).inserted }.map { .string($0) })
        case "lookup":
            guard let value = try args.optional(0), let key = try args.string(1) else { return nil }
            return JSONataEvaluator.lookup(key, in: value)
        case "merge":
            guard let values = args.array(0) else { return nil }
            var merged: [String: JSONValue] = [:]
            for value in values {
                guard case .object(let members) = value else { throw JSONataError("T0412: $merge takes an array of objects") }
                merged.merge(members) { $1 }
            }
            return .object(merged)
        case "type":
            guard let value = try args.optional(0) else { return nil }
            return .string(typeName(value))
        case "now": return .string(Timestamp.format(Date(timeIntervalSince1970: environment.now)))
        case "millis": return .number((environment.now * 1000).rounded(.down))
        case "fromMillis":
            return try args.number(0).map { .string(Timestamp.format(Date(timeIntervalSince1970: $0 / 1000))) }
        case "toMillis":
            guard let text = try args.string(0) else { return nil }
            guard let seconds = StatesTimestamp.parse(text) else { throw JSONataError("D3110: '\(text)' is not an ISO 8601 timestamp") }
            return .number((seconds * 1000).rounded())
        default:
            return try StepFunctionsJSONata.call(name, args, random: &environment.random)
        }
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

    private static func number(_ value: JSONValue?) throws(JSONataError) -> JSONValue? {
        switch value {
        case nil: return nil
        case .number?: return value
        case .bool(let flag)?: return .number(flag ? 1 : 0)
        case .string(let text)?:
            guard let number = Double(text), number.isFinite else { throw JSONataError("D3030: unable to cast \"\(text)\" to a number") }
            return .number(number)
        case let other?: throw JSONataError("D3030: unable to cast \(JSONText.serialize(other)) to a number")
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

/// The functions Step Functions adds to JSONata, done as the matching intrinsic functions do them.
private enum StepFunctionsJSONata {
    static func call(_ name: String, _ args: JSONataFunctions.Arguments, random: inout SplitMix64) throws(JSONataError) -> JSONValue? {
        let intrinsic: IntrinsicFunction
        switch name {
        case "partition": intrinsic = .arrayPartition
        case "range": intrinsic = .arrayRange
        case "hash": intrinsic = .hash
        case "uuid": intrinsic = .uuid
        case "parse": intrinsic = .stringToJson
        case "random":
            return .number(Double(random.next() >> 11) / Double(UInt64(1) << 53))
        default:
            throw JSONataError("T1006: $\(name) is not a function")
        }
        var values: [JSONValue] = []
        for index in args.list.indices {
            guard let value = try args.optional(index) else { return nil }
            values.append(value)
        }
        do {
            return try intrinsic.apply(to: values, random: &random)
        } catch {
            throw JSONataError("$\(name): \(error.cause)")
        }
    }
}
