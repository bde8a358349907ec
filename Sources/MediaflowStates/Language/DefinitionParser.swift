/// Reads an ASL definition into compiled scopes, collecting every problem with its JSON path
/// rather than stopping at the first.
struct DefinitionParser {
    private(set) var issues: [ValidationIssue] = []
    private(set) var scopes: [StateMachine.Scope] = []
    /// Whether states are written in JSONata unless they say otherwise (the top level's `QueryLanguage`).
    private var jsonataByDefault = false

    /// Parses the whole definition; returns its `TimeoutSeconds` and `Comment`.
    mutating func parseTopLevel(_ definition: JSONValue) -> (Double?, String?) {
        guard case .object(let members) = definition else {
            issue("$", "a state machine definition is a JSON object")
            return (nil, nil)
        }
        jsonataByDefault = usesJSONata(members, at: "$", byDefault: false)
        if let version = members["Version"], version != "1.0" { issue("$.Version", "the only version is \"1.0\"") }
        let timeout = members["TimeoutSeconds"].flatMap { positiveInteger($0, at: "$.TimeoutSeconds") }
        let comment = members["Comment"]?.stringValue
        _ = parseScope(members, at: "$")
        return (timeout, comment)
    }

    /// Parses a block of states (the top level, a branch, an item processor) and returns its index.
    mutating func parseScope(_ members: JSONObject, at location: String) -> Int {
        let index = scopes.count
        scopes.append(StateMachine.Scope(startAt: "", states: [:]))
        guard case .object(let stateMembers)? = members["States"], !stateMembers.isEmpty else {
            issue("\(location).States", "States is a non-empty object of states")
            return index
        }
        guard case .string(let startAt)? = members["StartAt"] else {
            issue("\(location).StartAt", "StartAt names the first state")
            return index
        }
        if stateMembers[startAt] == nil { issue("\(location).StartAt", "no state is named '\(startAt)'") }
        var states: [String: StateNode] = [:]
        for (name, stateValue) in stateMembers {
            let stateLocation = "\(location).States.\(name)"
            if name.count > 80 { issue(stateLocation, "a state name has at most 80 characters") }
            guard case .object(let fields) = stateValue else {
                issue(stateLocation, "a state is a JSON object")
                continue
            }
            if let state = parseState(name, fields, at: stateLocation) { states[name] = state }
        }
        for state in states.values { checkTransitions(of: state, in: stateMembers, at: "\(location).States.\(state.name)") }
        scopes[index] = StateMachine.Scope(startAt: startAt, states: states)
        return index
    }

    private mutating func checkTransitions(of state: StateNode, in states: JSONObject, at location: String) {
        func check(_ target: String?, _ field: String) {
            if let target, states[target] == nil { issue("\(location).\(field)", "no state is named '\(target)'") }
        }
        check(state.next, "Next")
        check(state.defaultNext, "Default")
        for (index, choice) in state.choices.enumerated() { check(choice.next, "Choices[\(index)].Next") }
        for (index, catcher) in state.catchers.enumerated() { check(catcher.next, "Catch[\(index)].Next") }
    }

    private mutating func parseState(_ name: String, _ fields: JSONObject, at location: String) -> StateNode? {
        guard case .string(let typeName)? = fields["Type"] else {
            issue("\(location).Type", "Type is required")
            return nil
        }
        guard let kind = StateNode.Kind(rawValue: typeName) else {
            issue("\(location).Type", "unknown state type '\(typeName)'")
            return nil
        }
        var state = StateNode(name: name, kind: kind)
        state.usesJSONata = usesJSONata(fields, at: location, byDefault: jsonataByDefault)
        parseFlow(&state, fields, at: location)
        if state.usesJSONata {
            parseJSONataDataFlow(&state, fields, at: location)
        } else {
            parseDataFlow(&state, fields, at: location)
        }
        switch kind {
        case .pass: state.result = fields["Result"]
        case .task: parseTask(&state, fields, at: location)
        case .choice: parseChoice(&state, fields, at: location)
        case .wait: parseWait(&state, fields, at: location)
        case .fail: parseFail(&state, fields, at: location)
        case .parallel: parseParallel(&state, fields, at: location)
        case .map: parseMap(&state, fields, at: location)
        case .succeed: break
        }
        if [.task, .parallel, .map].contains(kind) {
            state.retriers = parseRetriers(fields["Retry"], at: "\(location).Retry")
            state.catchers = parseCatchers(fields["Catch"], at: "\(location).Catch", jsonata: state.usesJSONata)
        }
        return state
    }

    private mutating func parseFlow(_ state: inout StateNode, _ fields: JSONObject, at location: String) {
        let terminal = [.choice, .succeed, .fail].contains(state.kind)
        let next = fields["Next"]
        let end = fields["End"]
        if terminal {
            if next != nil { issue("\(location).Next", "a \(state.kind.rawValue) state has no Next") }
            if end != nil { issue("\(location).End", "a \(state.kind.rawValue) state has no End") }
            return
        }
        switch (next, end) {
        case (.string(let target)?, nil): state.next = target
        case (nil, .bool(true)?): state.end = true
        case (nil, _): issue(location, "a \(state.kind.rawValue) state needs Next or \"End\": true")
        case (_, nil): issue("\(location).Next", "Next names a state")
        default: issue(location, "a state has Next or End, not both")
        }
    }

    private mutating func parseDataFlow(_ state: inout StateNode, _ fields: JSONObject, at location: String) {
        for key in ["Arguments", "Output", "Items"] where fields[key] != nil {
            issue("\(location).\(key)", "\(key) is a field of JSONata states: set \"QueryLanguage\": \"JSONata\"")
        }
        if state.kind != .fail {
            state.inputPath = selection(fields, "InputPath", at: location)
            state.outputPath = selection(fields, "OutputPath", at: location)
        }
        if [.pass, .task, .parallel, .map].contains(state.kind) {
            state.resultPath = placement(fields["ResultPath"], present: fields.keys.contains("ResultPath"), at: "\(location).ResultPath")
            if let parameters = fields["Parameters"] {
                state.parameters = PayloadTemplate.compile(parameters, at: "\(location).Parameters", into: &issues)
            }
        }
        if [.task, .parallel, .map].contains(state.kind), let selector = fields["ResultSelector"] {
            state.resultSelector = template(selector, at: "\(location).ResultSelector")
        }
        if let assign = fields["Assign"], state.kind != .fail, state.kind != .succeed {
            state.assign = template(assign, at: "\(location).Assign")
        }
    }

    // MARK: - Shared field readers

    mutating func template(_ value: JSONValue, at location: String) -> PayloadTemplate {
        guard case .object = value else {
            issue(location, "a payload template is a JSON object")
            return .literal(value)
        }
        return PayloadTemplate.compile(value, at: location, into: &issues)
    }

    mutating func selection(_ fields: JSONObject, _ key: String, at location: String) -> StateNode.Selection {
        guard let value = fields[key] else { return .whole }
        switch value {
        case .null: return .discard
        case .string(let text):
            guard let path = path(text, at: "\(location).\(key)") else { return .whole }
            return .path(path)
        default:
            issue("\(location).\(key)", "\(key) is a path or null")
            return .whole
        }
    }

    mutating func placement(_ value: JSONValue?, present: Bool, at location: String) -> StateNode.ResultPlacement {
        guard present, let value else { return .replace }
        switch value {
        case .null: return .discard
        case .string(let text):
            guard let path = path(text, at: location) else { return .replace }
            guard path.isReferencePath else {
                issue(location, "ResultPath is a reference path: '$' followed by member names and indexes")
                return .replace
            }
            return path.segments.isEmpty ? .replace : .path(path)
        default:
            issue(location, "ResultPath is a path or null")
            return .replace
        }
    }

    mutating func path(_ text: String, at location: String) -> JSONPath? {
        do {
            return try JSONPath(text)
        } catch {
            issue(location, error.description)
            return nil
        }
    }

    /// A number field (`TimeoutSeconds`), given by its `…Path` field instead in JSONPath, or by an expression in JSONata.
    mutating func amount(
        _ fields: JSONObject, _ key: String, at location: String, integer: Bool = true, jsonata: Bool = false
    ) -> StateNode.Amount? {
        let pathKey = key + "Path"
        if jsonata, case .string(let text)? = fields[key] {
            guard JSONataExpression.source(of: text) != nil else {
                issue("\(location).\(key)", "\(key) is a number or a {% JSONata %} expression")
                return nil
            }
            return .expression(self.jsonata(.string(text), field: key, at: "\(location).\(key)"))
        }
        switch (fields[key], fields[pathKey]) {
        case (nil, nil): return nil
        case (.number(let number)?, nil):
            if integer, number.rounded() != number { issue("\(location).\(key)", "\(key) is an integer") }
            if number < 0 { issue("\(location).\(key)", "\(key) must not be negative") }
            return .literal(number)
        case (nil, .string(let text)?):
            return path(text, at: "\(location).\(pathKey)").map { .path($0) }
        case (_?, _?):
            issue(location, "give \(key) or \(pathKey), not both")
        case (_?, nil):
            issue("\(location).\(key)", "\(key) is a number")
        case (nil, _?):
            issue("\(location).\(pathKey)", "\(pathKey) is a path")
        }
        return nil
    }

    mutating func positiveInteger(_ value: JSONValue, at location: String) -> Double? {
        guard case .number(let number) = value, number.rounded() == number, number > 0 else {
            issue(location, "a positive integer is required")
            return nil
        }
        return number
    }

    /// Whether the fields' `QueryLanguage` is JSONata (`byDefault` when they name none). A state may not go back
    /// to JSONPath when the state machine is written in JSONata.
    mutating func usesJSONata(_ fields: JSONObject, at location: String, byDefault: Bool) -> Bool {
        switch fields["QueryLanguage"] {
        case nil: return byDefault
        case "JSONata"?: return true
        case "JSONPath"?:
            if byDefault { issue("\(location).QueryLanguage", "a state cannot use JSONPath when the state machine uses JSONata") }
            return false
        default:
            issue("\(location).QueryLanguage", "QueryLanguage is \"JSONPath\" or \"JSONata\"")
            return byDefault
        }
    }

    mutating func issue(_ location: String, _ message: String) {
        issues.append(ValidationIssue(location, message))
    }
}
