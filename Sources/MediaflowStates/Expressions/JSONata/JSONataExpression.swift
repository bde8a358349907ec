/// A JSONata expression as a JSONata state writes it, in a string between `{%` and `%}`. It sees the variables
/// in scope, and `$states` with the state's `input`, `context`, and where there is one its `result` or
/// `errorOutput`.
struct JSONataExpression: Sendable, Hashable {
    let text: String
    let root: JSONataNode

    /// Parses the expression. - Throws: `JSONataSyntaxError`.
    init(_ text: String) throws(JSONataSyntaxError) {
        self.text = text
        self.root = try JSONataParser.parse(text)
    }

    /// The expression in a field's string: what lies between `{%` and `%}` when the string is nothing else.
    static func source(of text: String) -> String? {
        guard text.count >= 4, text.hasPrefix("{%"), text.hasSuffix("%}") else { return nil }
        return String(text.dropFirst(2).dropLast(2)).trimmingSpaces
    }

    /// Evaluates the expression for the field `field` (`Output/result`).
    /// - Throws: `States.QueryEvaluationError` when it fails or gives nothing.
    func evaluate(in scope: inout EvaluationScope, field: String) throws(StatesError) -> JSONValue {
        var variables = scope.variables
        variables["states"] = scope.statesVariable()
        var evaluator = JSONataEvaluator(variables: variables, input: nil, environment: JSONataEnvironment(random: scope.random, now: scope.now))
        let value: JSONValue?
        do {
            value = try evaluator.evaluate(root)
        } catch {
            throw StatesError(
                StatesError.queryEvaluationError,
                "The JSONata expression '\(text)' specified for the field '\(field)' threw an error during evaluation. \(error.message)")
        }
        scope.random = evaluator.environment.random
        guard let value else {
            throw StatesError(
                StatesError.queryEvaluationError, "The JSONata expression '\(text)' specified for the field '\(field)' returned nothing (undefined).")
        }
        return value
    }

    static func == (lhs: Self, rhs: Self) -> Bool { lhs.text == rhs.text }
    func hash(into hasher: inout Hasher) { hasher.combine(text) }
}
