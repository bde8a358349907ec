/// A Choice state's condition: a comparison of the value at `Variable`, or a Boolean combination.
indirect enum ChoiceCondition: Sendable, Hashable {
    case and([ChoiceCondition])
    case or([ChoiceCondition])
    case not(ChoiceCondition)
    case comparison(variable: JSONPath, ChoiceOperator, ChoiceOperand)
    /// JSONata's `Condition`: `true`, `false` or an expression that gives one of them.
    case jsonata(PayloadTemplate)

    /// Whether the condition holds. - Throws: `States.Runtime` when `Variable` or an operand path
    /// finds nothing (except for `IsPresent`).
    func holds(in scope: EvaluationScope) throws(StatesError) -> Bool {
        switch self {
        case .and(let conditions):
            for condition in conditions where try !condition.holds(in: scope) { return false }
            return true
        case .or(let conditions):
            for condition in conditions where try condition.holds(in: scope) { return true }
            return false
        case .not(let condition):
            return try !condition.holds(in: scope)
        case .comparison(let variable, let op, let operand):
            if op == .isPresent {
                guard case .literal(.bool(let expected)) = operand else { return false }
                return (try scope.value(of: variable) != nil) == expected
            }
            let value = try scope.require(variable)
            let other: JSONValue
            switch operand {
            case .literal(let literal): other = literal
            case .path(let path): other = try scope.require(path)
            }
            return op.compare(value, other)
        case .jsonata(let template):
            var scope = scope
            let value = try template.evaluate(in: &scope)
            guard case .bool(let holds) = value else { throw template.unexpected(value, field: "Condition", expected: "boolean") }
            return holds
        }
    }
}

/// The right-hand side of a comparison: a literal or, for the `…Path` operators, a path.
enum ChoiceOperand: Sendable, Hashable {
    case literal(JSONValue)
    case path(JSONPath)
}

/// The comparison operators of the States Language (each also exists as `…Path`).
enum ChoiceOperator: String, Sendable, Hashable, CaseIterable {
    case stringEquals = "StringEquals", stringLessThan = "StringLessThan", stringGreaterThan = "StringGreaterThan"
    case stringLessThanEquals = "StringLessThanEquals", stringGreaterThanEquals = "StringGreaterThanEquals"
    case stringMatches = "StringMatches"
    case numericEquals = "NumericEquals", numericLessThan = "NumericLessThan", numericGreaterThan = "NumericGreaterThan"
    case numericLessThanEquals = "NumericLessThanEquals", numericGreaterThanEquals = "NumericGreaterThanEquals"
    case booleanEquals = "BooleanEquals"
    case timestampEquals = "TimestampEquals", timestampLessThan = "TimestampLessThan"
    case timestampGreaterThan = "TimestampGreaterThan", timestampLessThanEquals = "TimestampLessThanEquals"
    case timestampGreaterThanEquals = "TimestampGreaterThanEquals"
    case isNull = "IsNull", isPresent = "IsPresent", isNumeric = "IsNumeric", isString = "IsString"
    case isBoolean = "IsBoolean", isTimestamp = "IsTimestamp"

    /// Whether the operator has a `…Path` form.
    var hasPathForm: Bool { !rawValue.hasPrefix("Is") && self != .stringMatches }

    /// The JSON type the literal operand must have.
    var operandKind: String {
        switch self {
        case .stringEquals, .stringLessThan, .stringGreaterThan, .stringLessThanEquals, .stringGreaterThanEquals,
            .stringMatches, .timestampEquals, .timestampLessThan, .timestampGreaterThan, .timestampLessThanEquals,
            .timestampGreaterThanEquals:
            "string"
        case .numericEquals, .numericLessThan, .numericGreaterThan, .numericLessThanEquals, .numericGreaterThanEquals:
            "number"
        default:
            "boolean"
        }
    }

    func compare(_ value: JSONValue, _ operand: JSONValue) -> Bool {
        switch self {
        case .stringEquals, .stringLessThan, .stringGreaterThan, .stringLessThanEquals, .stringGreaterThanEquals:
            guard case .string(let left) = value, case .string(let right) = operand else { return false }
            return order(left.utf16.lexicographicallyPrecedes(right.utf16) ? -1 : (left == right ? 0 : 1))
        case .stringMatches:
            guard case .string(let left) = value, case .string(let pattern) = operand else { return false }
            return Self.matches(Array(left), Array(pattern)[...])
        case .numericEquals, .numericLessThan, .numericGreaterThan, .numericLessThanEquals, .numericGreaterThanEquals:
            guard case .number(let left) = value, case .number(let right) = operand else { return false }
            return order(left < right ? -1 : (left == right ? 0 : 1))
        case .booleanEquals:
            guard case .bool(let left) = value, case .bool(let right) = operand else { return false }
            return left == right
        case .timestampEquals, .timestampLessThan, .timestampGreaterThan, .timestampLessThanEquals, .timestampGreaterThanEquals:
            guard case .string(let leftText) = value, case .string(let rightText) = operand,
                let left = StatesTimestamp.parse(leftText), let right = StatesTimestamp.parse(rightText)
            else { return false }
            return order(left < right ? -1 : (left == right ? 0 : 1))
        case .isNull: return (value == .null) == (operand == .bool(true))
        case .isPresent: return operand == .bool(true)
        case .isNumeric: return (value.numberValue != nil) == (operand == .bool(true))
        case .isString: return (value.stringValue != nil) == (operand == .bool(true))
        case .isBoolean:
            if case .bool = value { return operand == .bool(true) }
            return operand == .bool(false)
        case .isTimestamp:
            let isTimestamp = value.stringValue.flatMap(StatesTimestamp.parse) != nil
            return isTimestamp == (operand == .bool(true))
        }
    }

    private func order(_ sign: Int) -> Bool {
        switch self {
        case .stringEquals, .numericEquals, .timestampEquals: sign == 0
        case .stringLessThan, .numericLessThan, .timestampLessThan: sign < 0
        case .stringGreaterThan, .numericGreaterThan, .timestampGreaterThan: sign > 0
        case .stringLessThanEquals, .numericLessThanEquals, .timestampLessThanEquals: sign <= 0
        default: sign >= 0
        }
    }

    /// `*` matches any run of characters; `\*` and `\\` match a literal star and backslash.
    private static func matches(_ text: [Character], _ pattern: ArraySlice<Character>) -> Bool {
        var memo: [Int: [Int: Bool]] = [:]
        func match(_ textIndex: Int, _ patternIndex: Int) -> Bool {
            if let known = memo[textIndex]?[patternIndex] { return known }
            let result: Bool
            if patternIndex == pattern.endIndex {
                result = textIndex == text.count
            } else if pattern[patternIndex] == "*" {
                result = match(textIndex, patternIndex + 1) || (textIndex < text.count && match(textIndex + 1, patternIndex))
            } else {
                var literal = pattern[patternIndex]
                var step = 1
                if literal == "\\", patternIndex + 1 < pattern.endIndex {
                    literal = pattern[patternIndex + 1]
                    step = 2
                }
                result = textIndex < text.count && text[textIndex] == literal && match(textIndex + 1, patternIndex + step)
            }
            memo[textIndex, default: [:]][patternIndex] = result
            return result
        }
        return match(0, pattern.startIndex)
    }
}
