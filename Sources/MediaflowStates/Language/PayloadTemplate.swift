/// A JSON template whose `"key.$"` members are filled in from paths or intrinsic functions:
/// Parameters, ResultSelector, ItemSelector and Assign are written this way. In a JSONata state, any string
/// that is a `{% … %}` expression is filled in instead (Arguments, Output, Assign, Items, …).
indirect enum PayloadTemplate: Sendable, Hashable {
    case literal(JSONValue)
    case object([Member])
    case array([PayloadTemplate])
    /// A JSONata expression, for the field (`Output/result`) named in its errors.
    case expression(JSONataExpression, field: String)

    struct Member: Sendable, Hashable {
        let key: String
        let value: Value
    }

    enum Value: Sendable, Hashable {
        case template(PayloadTemplate)
        case path(JSONPath, field: String)
        case intrinsic(IntrinsicCall, field: String)
    }

    /// Compiles a template, reporting each malformed `.$` member at its JSON path.
    static func compile(_ value: JSONValue, at location: String, into issues: inout [ValidationIssue]) -> PayloadTemplate {
        switch value {
        case .object(let members):
            var compiled: [Member] = []
            var dynamic = false
            for (key, member) in members {
                let memberLocation = "\(location).\(key)"
                if key.hasSuffix(".$") {
                    dynamic = true
                    let field = String(key.dropLast(2))
                    guard case .string(let expression) = member else {
                        issues.append(ValidationIssue(memberLocation, "a '.$' field takes a path or an intrinsic function as a string"))
                        continue
                    }
                    if let dynamicValue = compileExpression(expression, field: field, at: memberLocation, into: &issues) {
                        compiled.append(Member(key: field, value: dynamicValue))
                    }
                } else {
                    let inner = compile(member, at: memberLocation, into: &issues)
                    if case .literal = inner {} else { dynamic = true }
                    compiled.append(Member(key: key, value: .template(inner)))
                }
            }
            return dynamic ? .object(compiled) : .literal(value)
        case .array(let elements):
            let compiled = elements.enumerated().map { compile($1, at: "\(location)[\($0)]", into: &issues) }
            let isLiteral = compiled.allSatisfy { if case .literal = $0 { true } else { false } }
            return isLiteral ? .literal(value) : .array(compiled)
        default:
            return .literal(value)
        }
    }

    /// Compiles a JSONata state's field `field`, reporting each malformed expression at its JSON path.
    static func compileJSONata(_ value: JSONValue, field: String, at location: String, into issues: inout [ValidationIssue]) -> PayloadTemplate {
        switch value {
        case .string(let text):
            guard let source = JSONataExpression.source(of: text) else { return .literal(value) }
            do {
                return .expression(try JSONataExpression(source), field: field)
            } catch {
                issues.append(ValidationIssue(location, error.description))
                return .literal(value)
            }
        case .object(let members):
            let compiled = members.map { key, member in
                Member(key: key, value: .template(compileJSONata(member, field: "\(field)/\(key)", at: "\(location).\(key)", into: &issues)))
            }
            let isLiteral = compiled.allSatisfy { if case .template(.literal) = $0.value { true } else { false } }
            return isLiteral ? .literal(value) : .object(compiled)
        case .array(let elements):
            let compiled = elements.enumerated().map { compileJSONata($1, field: "\(field)/\($0)", at: "\(location)[\($0)]", into: &issues) }
            let isLiteral = compiled.allSatisfy { if case .literal = $0 { true } else { false } }
            return isLiteral ? .literal(value) : .array(compiled)
        default:
            return .literal(value)
        }
    }

    /// The error for a JSONata field that gave `value` where it needed something of the type `expected`.
    func unexpected(_ value: JSONValue, field: String, expected: String) -> StatesError {
        let text = if case .expression(let expression, _) = self { expression.text } else { JSONText.serialize(value) }
        return StatesError(
            StatesError.queryEvaluationError,
            "The JSONata expression '\(text)' specified for the field '\(field)' returned an unexpected result type. Expected '\(expected)', but was '\(JSONataFunctions.typeName(value))' for value: \(JSONText.serialize(value))"
        )
    }

    private static func compileExpression(
        _ expression: String, field: String, at location: String, into issues: inout [ValidationIssue]
    ) -> Value? {
        do {
            if IntrinsicCall.looksLikeCall(expression) { return .intrinsic(try IntrinsicCall(expression), field: field) }
            return .path(try JSONPath(expression), field: field)
        } catch let error as IntrinsicSyntaxError {
            issues.append(ValidationIssue(location, error.description))
        } catch let error as JSONPathSyntaxError {
            issues.append(ValidationIssue(location, error.description))
        } catch {
            issues.append(ValidationIssue(location, "\(error)"))
        }
        return nil
    }

    /// Fills the template in from the scope.
    func evaluate(in scope: inout EvaluationScope) throws(StatesError) -> JSONValue {
        switch self {
        case .literal(let value):
            return value
        case .expression(let expression, let field):
            return try expression.evaluate(in: &scope, field: field)
        case .array(let elements):
            var values: [JSONValue] = []
            values.reserveCapacity(elements.count)
            for element in elements { values.append(try element.evaluate(in: &scope)) }
            return .array(values)
        case .object(let members):
            var object: JSONObject = [:]
            object.reserveCapacity(members.count)
            for member in members {
                switch member.value {
                case .template(let inner):
                    object[member.key] = try inner.evaluate(in: &scope)
                case .intrinsic(let call, _):
                    object[member.key] = try call.evaluate(in: &scope)
                case .path(let path, let field):
                    guard let value = try scope.value(of: path) else {
                        let source = try scope.root(of: path)
                        throw StatesError.runtime(
                            "The JSONPath '\(path.text)' specified for the field '\(field).$' could not be found in the input '\(JSONText.serialize(source))'"
                        )
                    }
                    object[member.key] = value
                }
            }
            return .object(object)
        }
    }
}
