import Crypto
import Foundation

extension IntrinsicCall {
    /// Evaluates the call. - Throws: `States.IntrinsicFailure` for bad arguments, `States.Runtime`
    /// for a path that finds nothing.
    func evaluate(in scope: inout EvaluationScope) throws(StatesError) -> JSONValue {
        var values: [JSONValue] = []
        for argument in arguments {
            switch argument {
            case .literal(let value): values.append(value)
            case .path(let path): values.append(try scope.require(path))
            case .call(let call): values.append(try call.evaluate(in: &scope))
            }
        }
        return try function.apply(to: values, random: &scope.random)
    }
}

extension IntrinsicFunction {
    private var name: String { "States.\(rawValue)" }

    // swiftlint:disable:next cyclomatic_complexity
    func apply(to args: [JSONValue], random: inout SplitMix64) throws(StatesError) -> JSONValue {
        switch self {
        case .format:
            try arity(args, atLeast: 1)
            return .string(try format(try string(args[0], "template"), Array(args.dropFirst())))
        case .stringToJson:
            try arity(args, 1)
            let text = try string(args[0], "argument")
            if text.trimmingSpaces.isEmpty { return .null }
            guard let value = JSONText.parse(text) else { throw failure("the argument is not JSON text: \(text)") }
            return value
        case .jsonToString:
            try arity(args, 1)
            return .string(JSONText.serialize(args[0]))
        case .array:
            return .array(args)
        case .arrayPartition:
            try arity(args, 2)
            let elements = try array(args[0])
            let size = try integer(args[1], "chunk size")
            guard size > 0 else { throw failure("the chunk size must be greater than 0") }
            return .array(stride(from: 0, to: elements.count, by: size).map { .array(Array(elements[$0..<min($0 + size, elements.count)])) })
        case .arrayContains:
            try arity(args, 2)
            return .bool(try array(args[0]).contains(args[1]))
        case .arrayRange:
            try arity(args, 3)
            let (start, end, step) = (try integer(args[0], "start"), try integer(args[1], "end"), try integer(args[2], "step"))
            guard step != 0 else { throw failure("the step must not be 0") }
            // Counted before it is made: a range of a billion would hold the node (integers are within ±9e15).
            let span = end - start
            let count = span != 0 && (span < 0) != (step < 0) ? 0 : span / step + 1
            guard count <= 1000 else { throw failure("the range has more than 1000 elements") }
            return .array(stride(from: start, through: end, by: step).map { .number(Double($0)) })
        case .arrayGetItem:
            try arity(args, 2)
            let elements = try array(args[0])
            let index = try integer(args[1], "index")
            guard elements.indices.contains(index) else { throw failure("index \(index) is out of bounds") }
            return elements[index]
        case .arrayLength:
            try arity(args, 1)
            return .number(Double(try array(args[0]).count))
        case .arrayUnique:
            try arity(args, 1)
            var seen = Set<JSONValue>()
            return .array(try array(args[0]).filter { seen.insert($0).inserted })
        case .base64Encode:
            try arity(args, 1)
            return .string(Data(try string(args[0], "argument").utf8).base64EncodedString())
        case .base64Decode:
            try arity(args, 1)
            guard let data = Data(base64Encoded: try string(args[0], "argument")), let text = String(data: data, encoding: .utf8) else {
                throw failure("the argument is not Base64 text")
            }
            return .string(text)
        case .hash:
            try arity(args, 2)
            let data = Data((args[0].stringValue ?? JSONText.serialize(args[0])).utf8)
            return .string(try hash(data, algorithm: try string(args[1], "algorithm")))
        case .jsonMerge:
            try arity(args, 3)
            guard case .object(let left) = args[0], case .object(let right) = args[1] else {
                throw failure("both arguments to merge must be JSON objects")
            }
            guard case .bool(let deep) = args[2] else { throw failure("the third argument must be a boolean") }
            return deep ? Self.deepMerge(.object(left), .object(right)) : .object(left.merging(right) { $1 })
        case .mathRandom:
            guard args.count == 2 || args.count == 3 else { throw failure("expects 2 or 3 arguments") }
            let (start, end) = (try integer(args[0], "start"), try integer(args[1], "end"))
            guard start < end else { throw failure("the start must be less than the end") }
            if args.count == 3 {
                var seeded = SplitMix64(state: UInt64(bitPattern: Int64(try integer(args[2], "seed"))))
                return .number(Double(Int.random(in: start..<end, using: &seeded)))
            }
            return .number(Double(Int.random(in: start..<end, using: &random)))
        case .mathAdd:
            try arity(args, 2)
            return .number(Double(try rounded(args[0]) + rounded(args[1])))
        case .stringSplit:
            try arity(args, 2)
            let text = try string(args[0], "string")
            let separators = Set(try string(args[1], "separator"))
            return .array(text.split(whereSeparator: { separators.contains($0) }).map { .string(String($0)) })
        case .uuid:
            try arity(args, 0)
            return .string(random.uuid())
        }
    }

    private func format(_ template: String, _ values: [JSONValue]) throws(StatesError) -> String {
        var out = ""
        var remaining = values[...]
        var chars = template[...]
        while let char = chars.first {
            chars = chars.dropFirst()
            if char == "\\", let escaped = chars.first {
                out.append(escaped)
                chars = chars.dropFirst()
            } else if char == "{", chars.first == "}" {
                chars = chars.dropFirst()
                guard let value = remaining.popFirst() else { throw failure("more placeholders than arguments") }
                out += value.stringValue ?? JSONText.serialize(value)
            } else {
                out.append(char)
            }
        }
        guard remaining.isEmpty else { throw failure("more arguments than placeholders") }
        return out
    }

    private func hash(_ data: Data, algorithm: String) throws(StatesError) -> String {
        let digest: [UInt8]
        switch algorithm {
        case "MD5": digest = Array(Insecure.MD5.hash(data: data))
        case "SHA-1": digest = Array(Insecure.SHA1.hash(data: data))
        case "SHA-256": digest = Array(SHA256.hash(data: data))
        case "SHA-384": digest = Array(SHA384.hash(data: data))
        case "SHA-512": digest = Array(SHA512.hash(data: data))
        default: throw failure("unsupported algorithm '\(algorithm)'; use MD5, SHA-1, SHA-256, SHA-384 or SHA-512")
        }
        return digest.map { String($0, radix: 16).leftPadded(to: 2) }.joined()
    }

    private static func deepMerge(_ left: JSONValue, _ right: JSONValue) -> JSONValue {
        guard case .object(var merged) = left, case .object(let overrides) = right else { return right }
        for (key, value) in overrides { merged[key] = merged[key].map { deepMerge($0, value) } ?? value }
        return .object(merged)
    }

    private func arity(_ args: [JSONValue], _ count: Int) throws(StatesError) {
        guard args.count == count else { throw failure("expects \(count) argument\(count == 1 ? "" : "s"), got \(args.count)") }
    }

    private func arity(_ args: [JSONValue], atLeast count: Int) throws(StatesError) {
        guard args.count >= count else { throw failure("expects at least \(count) argument(s), got \(args.count)") }
    }

    private func string(_ value: JSONValue, _ role: String) throws(StatesError) -> String {
        guard case .string(let text) = value else { throw failure("the \(role) must be a string") }
        return text
    }

    private func array(_ value: JSONValue) throws(StatesError) -> [JSONValue] {
        guard case .array(let elements) = value else { throw failure("the first argument must be an array") }
        return elements
    }

    private func integer(_ value: JSONValue, _ role: String) throws(StatesError) -> Int {
        guard case .number(let number) = value, number.rounded() == number, abs(number) < 9e15 else {
            throw failure("the \(role) must be an integer")
        }
        return Int(number)
    }

    /// Rounds the way Step Functions does (half up, like Java's `Math.round`).
    private func rounded(_ value: JSONValue) throws(StatesError) -> Int {
        guard case .number(let number) = value, abs(number) < 9e15 else { throw failure("the arguments must be numbers") }
        return Int((number + 0.5).rounded(.down))
    }

    private func failure(_ reason: String) -> StatesError { .intrinsic("\(name): \(reason)") }
}
