extension DefinitionParser {
    mutating func parseChoice(_ state: inout StateNode, _ fields: JSONObject, at location: String) {
        if case .string(let target)? = fields["Default"] { state.defaultNext = target }
        guard case .array(let rules)? = fields["Choices"], !rules.isEmpty else {
            issue("\(location).Choices", "a Choice state has a non-empty array of Choices")
            return
        }
        for (index, rule) in rules.enumerated() {
            let ruleLocation = "\(location).Choices[\(index)]"
            guard case .object(let ruleFields) = rule else {
                issue(ruleLocation, "a choice rule is an object")
                continue
            }
            guard case .string(let next)? = ruleFields["Next"] else {
                issue("\(ruleLocation).Next", "a choice rule names its Next state")
                continue
            }
            if state.usesJSONata {
                if let branch = parseJSONataRule(ruleFields, next: next, at: ruleLocation) { state.choices.append(branch) }
                continue
            }
            if ruleFields["Condition"] != nil || ruleFields["Output"] != nil {
                issue(ruleLocation, "Condition and Output are fields of JSONata choice rules: set \"QueryLanguage\": \"JSONata\"")
            }
            let assign = ruleFields["Assign"].map { template($0, at: "\(ruleLocation).Assign") }
            if let condition = parseCondition(ruleFields, at: ruleLocation) {
                state.choices.append(ChoiceBranch(condition: condition, next: next, assign: assign))
            }
        }
    }

    private mutating func parseCondition(_ fields: JSONObject, at location: String) -> ChoiceCondition? {
        if let operands = fields["And"] ?? fields["Or"] {
            let isAnd = fields["And"] != nil
            let key = isAnd ? "And" : "Or"
            guard case .array(let rules) = operands, !rules.isEmpty else {
                issue("\(location).\(key)", "\(key) is a non-empty array of rules")
                return nil
            }
            var conditions: [ChoiceCondition] = []
            for (index, rule) in rules.enumerated() {
                guard case .object(let ruleFields) = rule else {
                    issue("\(location).\(key)[\(index)]", "a rule is an object")
                    continue
                }
                if let condition = parseCondition(ruleFields, at: "\(location).\(key)[\(index)]") { conditions.append(condition) }
            }
            return isAnd ? .and(conditions) : .or(conditions)
        }
        if let inner = fields["Not"] {
            guard case .object(let innerFields) = inner else {
                issue("\(location).Not", "Not holds one rule object")
                return nil
            }
            return parseCondition(innerFields, at: "\(location).Not").map { .not($0) }
        }
        guard case .string(let variableText)? = fields["Variable"] else {
            issue("\(location).Variable", "a comparison names its Variable (or use And, Or, Not)")
            return nil
        }
        guard let variable = path(variableText, at: "\(location).Variable") else { return nil }
        var found: [(ChoiceOperator, ChoiceOperand)] = []
        for op in ChoiceOperator.allCases {
            if let literal = fields[op.rawValue] {
                guard literalMatches(op, literal) else {
                    issue("\(location).\(op.rawValue)", "\(op.rawValue) takes a \(op.operandKind)")
                    continue
                }
                found.append((op, .literal(literal)))
            }
            if op.hasPathForm, let pathValue = fields[op.rawValue + "Path"] {
                guard case .string(let text) = pathValue, let operandPath = path(text, at: "\(location).\(op.rawValue)Path") else {
                    issue("\(location).\(op.rawValue)Path", "\(op.rawValue)Path is a path")
                    continue
                }
                found.append((op, .path(operandPath)))
            }
        }
        guard found.count == 1 else {
            issue(location, found.isEmpty ? "a comparison needs an operator such as StringEquals" : "a comparison has exactly one operator")
            return nil
        }
        return .comparison(variable: variable, found[0].0, found[0].1)
    }

    private func literalMatches(_ op: ChoiceOperator, _ literal: JSONValue) -> Bool {
        switch (op.operandKind, literal) {
        case ("string", .string(let text)):
            return !op.rawValue.hasPrefix("Timestamp") || StatesTimestamp.parse(text) != nil
        case ("number", .number), ("boolean", .bool): return true
        default: return false
        }
    }
}
