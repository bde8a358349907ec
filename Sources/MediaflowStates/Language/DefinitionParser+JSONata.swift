/// The fields of states written in JSONata (`"QueryLanguage": "JSONata"`): `Arguments` and `Output` in place of
/// the JSONPath fields, and `{% … %}` expressions wherever a value may be computed.
extension DefinitionParser {
    /// The JSONPath fields a JSONata state may not have, with what it uses instead.
    private static let jsonPathFields: [String: String] = [
        "InputPath": "Arguments", "Parameters": "Arguments", "ResultSelector": "Output", "ResultPath": "Output and Assign",
        "OutputPath": "Output", "Result": "Output", "ItemsPath": "Items", "TimeoutSecondsPath": "TimeoutSeconds",
        "HeartbeatSecondsPath": "HeartbeatSeconds", "SecondsPath": "Seconds", "TimestampPath": "Timestamp", "ErrorPath": "Error",
        "CausePath": "Cause", "MaxConcurrencyPath": "MaxConcurrency", "ToleratedFailureCountPath": "ToleratedFailureCount",
        "ToleratedFailurePercentagePath": "ToleratedFailurePercentage",
    ]

    mutating func parseJSONataDataFlow(_ state: inout StateNode, _ fields: JSONObject, at location: String) {
        for key in fields.keys {
            if let replacement = Self.jsonPathFields[key] {
                issue("\(location).\(key)", "\(key) is a JSONPath field; a JSONata state uses \(replacement)")
            }
        }
        if let arguments = fields["Arguments"] {
            if [.task, .parallel].contains(state.kind) {
                state.parameters = jsonata(arguments, field: "Arguments", at: "\(location).Arguments")
            } else {
                issue("\(location).Arguments", "only Task and Parallel states take Arguments")
            }
        }
        if let output = fields["Output"] {
            if state.kind == .fail {
                issue("\(location).Output", "a Fail state has no Output")
            } else {
                state.output = jsonata(output, field: "Output", at: "\(location).Output")
            }
        }
        if let assign = fields["Assign"], state.kind != .fail, state.kind != .succeed {
            state.assign = jsonataAssign(assign, at: "\(location).Assign")
        }
    }

    /// A value of the field `field` that may hold `{% … %}` expressions.
    mutating func jsonata(_ value: JSONValue, field: String, at location: String) -> PayloadTemplate {
        var found: [ValidationIssue] = []
        let template = PayloadTemplate.compileJSONata(value, field: field, at: location, into: &found)
        for problem in found { issue(problem.location, problem.message) }
        return template
    }

    /// `Assign`: an object whose members' values may be expressions.
    mutating func jsonataAssign(_ value: JSONValue, at location: String) -> PayloadTemplate? {
        guard case .object = value else {
            issue(location, "Assign is a JSON object of variables")
            return nil
        }
        return jsonata(value, field: "Assign", at: location)
    }

    /// A string field (`Error`, `Timestamp`) given literally or by an expression.
    mutating func jsonataText(_ fields: JSONObject, _ key: String, at location: String) -> StateNode.Text? {
        guard let value = fields[key] else { return nil }
        guard case .string(let text) = value else {
            issue("\(location).\(key)", "\(key) is a string or a {% JSONata %} expression")
            return nil
        }
        guard JSONataExpression.source(of: text) != nil else { return .literal(text) }
        return .expression(jsonata(value, field: key, at: "\(location).\(key)"))
    }

    /// A JSONata choice rule: `Condition` (`true`, `false` or an expression), `Next`, and optionally `Output` and `Assign`.
    mutating func parseJSONataRule(_ fields: JSONObject, next: String, at location: String) -> ChoiceBranch? {
        for key in ["Variable", "And", "Or", "Not"] where fields[key] != nil {
            issue("\(location).\(key)", "a JSONata choice rule gives its Condition instead of \(key)")
        }
        let condition: PayloadTemplate
        switch fields["Condition"] {
        case .bool(let flag)?: condition = .literal(.bool(flag))
        case .string(let text)? where JSONataExpression.source(of: text) != nil:
            condition = jsonata(.string(text), field: "Condition", at: "\(location).Condition")
        default:
            issue("\(location).Condition", "a JSONata choice rule has a Condition: true, false or a {% JSONata %} expression")
            return nil
        }
        var branch = ChoiceBranch(
            condition: .jsonata(condition), next: next, assign: fields["Assign"].flatMap { jsonataAssign($0, at: "\(location).Assign") })
        branch.output = fields["Output"].map { jsonata($0, field: "Output", at: "\(location).Output") }
        return branch
    }
}
