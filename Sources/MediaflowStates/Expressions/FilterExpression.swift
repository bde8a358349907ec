/// The predicate of a JSONPath filter, `[?(@.status == 0 && @.year > 1990)]`.
indirect enum FilterExpression: Sendable, Hashable {
    case exists([JSONPath.Segment])
    case compare([JSONPath.Segment], Comparison, JSONValue)
    case and(FilterExpression, FilterExpression)
    case or(FilterExpression, FilterExpression)
    case not(FilterExpression)

    enum Comparison: String, Sendable, Hashable {
        case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    }

    /// Whether `candidate` (the `@`) satisfies the predicate.
    func matches(_ candidate: JSONValue) -> Bool {
        switch self {
        case .exists(let segments):
            return Self.value(at: segments, in: candidate) != nil
        case .compare(let segments, let comparison, let literal):
            guard let value = Self.value(at: segments, in: candidate) else { return false }
            return Self.compare(value, comparison, literal)
        case .and(let left, let right): return left.matches(candidate) && right.matches(candidate)
        case .or(let left, let right): return left.matches(candidate) || right.matches(candidate)
        case .not(let inner): return !inner.matches(candidate)
        }
    }

    private static func value(at segments: [JSONPath.Segment], in candidate: JSONValue) -> JSONValue? {
        var current = candidate
        for segment in segments {
            switch segment {
            case .member(let name):
                guard let member = current[name] else { return nil }
                current = member
            case .index(let index):
                guard case .array(let elements) = current else { return nil }
                let position = index < 0 ? elements.count + index : index
                guard elements.indices.contains(position) else { return nil }
                current = elements[position]
            case .length:
                guard case .array(let elements) = current else { return nil }
                current = .number(Double(elements.count))
            default:
                return nil
            }
        }
        return current
    }

    private static func compare(_ value: JSONValue, _ comparison: Comparison, _ literal: JSONValue) -> Bool {
        switch comparison {
        case .equal: return value == literal
        case .notEqual: return value != literal
        default: break
        }
        let order: Int
        switch (value, literal) {
        case (.number(let left), .number(let right)): order = left < right ? -1 : (left > right ? 1 : 0)
        case (.string(let left), .string(let right)): order = left < right ? -1 : (left > right ? 1 : 0)
        default: return false
        }
        switch comparison {
        case .less: return order < 0
        case .lessOrEqual: return order <= 0
        case .greater: return order > 0
        case .greaterOrEqual: return order >= 0
        case .equal, .notEqual: return false
        }
    }
}

/// Reads a filter body: `@`-paths, comparisons with literals, `&&`, `||`, `!` and parentheses.
struct FilterParser {
    private let chars: [Character]
    private let path: String
    private var position = 0

    init(_ body: String, path: String) {
        self.chars = Array(body)
        self.path = path
    }

    mutating func parse() throws(JSONPathSyntaxError) -> FilterExpression {
        let expression = try parseOr()
        skipSpaces()
        guard position == chars.count else { throw failure("unexpected text in filter") }
        return expression
    }

    private mutating func parseOr() throws(JSONPathSyntaxError) -> FilterExpression {
        var left = try parseAnd()
        while consume("||") { left = .or(left, try parseAnd()) }
        return left
    }

    private mutating func parseAnd() throws(JSONPathSyntaxError) -> FilterExpression {
        var left = try parseUnary()
        while consume("&&") { left = .and(left, try parseUnary()) }
        return left
    }

    private mutating func parseUnary() throws(JSONPathSyntaxError) -> FilterExpression {
        skipSpaces()
        if consume("!") { return .not(try parseUnary()) }
        if consume("(") {
            let inner = try parseOr()
            guard consume(")") else { throw failure("missing ')' in filter") }
            return inner
        }
        guard consume("@") else { throw failure("a filter compares '@' paths") }
        let start = position
        while position < chars.count, !" =!<>&|)".contains(chars[position]) { position += 1 }
        var relative = JSONPathParser(String(chars[start..<position]))
        let segments = try relative.parseRelative()
        skipSpaces()
        for comparison in [FilterExpression.Comparison.equal, .notEqual, .lessOrEqual, .greaterOrEqual, .less, .greater]
        where consume(comparison.rawValue) {
            return .compare(segments, comparison, try parseLiteral())
        }
        return .exists(segments)
    }

    private mutating func parseLiteral() throws(JSONPathSyntaxError) -> JSONValue {
        skipSpaces()
        guard position < chars.count else { throw failure("missing value in filter") }
        let quote = chars[position]
        if quote == "'" || quote == "\"" {
            position += 1
            let start = position
            while position < chars.count, chars[position] != quote { position += 1 }
            guard position < chars.count else { throw failure("unterminated string in filter") }
            defer { position += 1 }
            return .string(String(chars[start..<position]))
        }
        let start = position
        while position < chars.count, !" &|)".contains(chars[position]) { position += 1 }
        let word = String(chars[start..<position])
        switch word {
        case "true": return .bool(true)
        case "false": return .bool(false)
        case "null": return .null
        default:
            guard let number = Double(word) else { throw failure("'\(word)' is not a value") }
            return .number(number)
        }
    }

    private mutating func consume(_ token: String) -> Bool {
        skipSpaces()
        let tokenChars = Array(token)
        guard position + tokenChars.count <= chars.count,
            Array(chars[position..<(position + tokenChars.count)]) == tokenChars
        else { return false }
        position += tokenChars.count
        return true
    }

    private mutating func skipSpaces() {
        while position < chars.count, chars[position] == " " { position += 1 }
    }

    private func failure(_ reason: String) -> JSONPathSyntaxError { JSONPathSyntaxError(path: path, reason: reason) }
}
