/// A JSON template whose `"key.$"` members are filled in from paths or intrinsic functions:
/// Parameters, ResultSelector, ItemSelector and Assign are written this way.
indirect enum PayloadTemplate: Sendable, Hashable {
    case literal(JSONValue)
    case object([Member])
    case array([PayloadTemplate])

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
            for key in members.keys.sorted() {
                let member = members[key]!
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
        case .array(let elements):
            var values: [JSONValue] = []
            values.reserveCapacity(elements.count)
            for element in elements { values.append(try element.evaluate(in: &scope)) }
            return .array(values)
        case .object(let members):
            var object: [String: JSONValue] = [:]
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
