import Foundation

extension ExecutionRun {
    /// The input after InputPath and Parameters.
    mutating func effectiveInput(_ node: StateNode, _ fiber: Fiber) throws(StatesError) -> JSONValue {
        let input = try select(node.inputPath, from: fiber.input, fiber)
        guard let template = node.parameters else { return input }
        var scope = makeScope(fiber, input: input)
        let value = try template.evaluate(in: &scope)
        state.random = scope.random
        return value
    }

    /// Applies InputPath or OutputPath.
    func select(_ selection: StateNode.Selection, from value: JSONValue, _ fiber: Fiber) throws(StatesError) -> JSONValue {
        switch selection {
        case .whole: return value
        case .discard: return .object([:])
        case .path(let path): return try makeScope(fiber, input: value).require(path)
        }
    }

    /// Applies ResultPath: puts `result` into `input` where the path says.
    func place(_ result: JSONValue, into input: JSONValue, at placement: StateNode.ResultPlacement) throws(StatesError) -> JSONValue {
        switch placement {
        case .replace: return result
        case .discard: return input
        case .path(let path):
            var document = input
            try Self.set(result, at: path.segments[...], in: &document, path: path)
            return document
        }
    }

    private static func set(
        _ value: JSONValue, at segments: ArraySlice<JSONPath.Segment>, in document: inout JSONValue, path: JSONPath
    ) throws(StatesError) {
        guard let first = segments.first else {
            document = value
            return
        }
        switch (first, document) {
        case (.member(let name), .object(var members)):
            var child = members[name] ?? .object([:])
            document = .null
            try set(value, at: segments.dropFirst(), in: &child, path: path)
            members[name] = child
            document = .object(members)
        case (.index(let index), .array(var elements)) where elements.indices.contains(index):
            try set(value, at: segments.dropFirst(), in: &elements[index], path: path)
            document = .array(elements)
        default:
            throw StatesError(
                StatesError.resultPathMatchFailure,
                "Unable to apply step \"\(path.text)\" to input \(JSONText.serialize(document))"
            )
        }
    }

    /// Evaluates an Assign template; the variables change only when the state completes.
    mutating func assignments(_ template: PayloadTemplate?, _ fiber: Fiber, input: JSONValue) throws(StatesError) -> JSONObject {
        guard let template else { return [:] }
        var scope = makeScope(fiber, input: input)
        let value = try template.evaluate(in: &scope)
        state.random = scope.random
        return value.objectValue ?? [:]
    }

    mutating func commit(_ assigned: JSONObject, to fiberID: Int) {
        guard !assigned.isEmpty else { return }
        state.fibers[fiberID]?.variables.merge(assigned) { $1 }
    }

    /// The scope expressions of the fiber's current state evaluate in.
    func makeScope(_ fiber: Fiber, input: JSONValue, token: String? = nil, mapItem: (Int, JSONValue)? = nil) -> EvaluationScope {
        let execution = state
        let stateName = fiber.stateName
        let enteredAt = fiber.enteredAt
        let retries = fiber.retryCounts.reduce(0, +)
        return EvaluationScope(input: input, variables: fiber.variables, random: state.random, now: now) {
            var context: JSONObject = [
                "Execution": [
                    "Id": .string(execution.identity.executionArn), "Input": execution.input,
                    "Name": .string(execution.identity.name), "RoleArn": .string(execution.identity.roleArn),
                    "StartTime": .string(Self.timestamp(execution.startTime)), "RedriveCount": 0,
                ],
                "State": [
                    "EnteredTime": .string(Self.timestamp(enteredAt)), "Name": .string(stateName),
                    "RetryCount": .number(Double(retries)),
                ],
                "StateMachine": [
                    "Id": .string(execution.identity.stateMachineArn), "Name": .string(execution.identity.stateMachineName),
                ],
            ]
            if let token { context["Task"] = ["Token": .string(token)] }
            if let (index, value) = mapItem { context["Map"] = ["Item": ["Index": .number(Double(index)), "Value": value]] }
            return .object(context)
        }
    }

    static func timestamp(_ seconds: Double) -> String {
        Timestamp.format(Date(timeIntervalSince1970: seconds))
    }

    // MARK: - Numbers given literally or by path

    func waitSeconds(_ amount: StateNode.Amount, _ fiber: Fiber) throws(StatesError) -> Int {
        guard case .path(let path) = amount else {
            switch amount {
            case .literal(let seconds): return Int(saturating: seconds)
            case .expression(let template): return Int(saturating: try number(of: template, field: "Seconds", fiber, input: fiber.input, atLeast: 0))
            case .path: return 0
            }
        }
        let value = try makeScope(fiber, input: fiber.input).require(path)
        guard case .number(let number) = value, number.rounded() == number else {
            throw StatesError.runtime("The SecondsPath parameter cannot be parsed as a long value: \(path.text) == \(Self.plain(value))")
        }
        guard number >= 0 else {
            throw StatesError.runtime("The SecondsPath parameter references a negative value: \(path.text) == \(Self.plain(value))")
        }
        return Int(saturating: number)
    }

    func waitTimestamp(_ source: StateNode.Text, _ fiber: Fiber) throws(StatesError) -> Double {
        switch source {
        case .literal(let text):
            return StatesTimestamp.parse(text) ?? now
        case .path(let path):
            let value = try makeScope(fiber, input: fiber.input).require(path)
            guard case .string(let text) = value, let seconds = StatesTimestamp.parse(text) else {
                throw StatesError.runtime(
                    "The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: \(path.text) == \(Self.plain(value))"
                )
            }
            return seconds
        case .expression(let template):
            var scope = makeScope(fiber, input: fiber.input)
            let value = try template.evaluate(in: &scope)
            guard case .string(let text) = value, let seconds = StatesTimestamp.parse(text) else {
                throw template.unexpected(value, field: "Timestamp", expected: "an ISO-8601 extended offset date-time string")
            }
            return seconds
        case .intrinsic:
            return now
        }
    }

    func positiveSeconds(_ amount: StateNode.Amount, _ fiber: Fiber, _ field: String) throws(StatesError) -> Double {
        switch amount {
        case .literal(let seconds): return seconds
        case .expression(let template): return try number(of: template, field: field, fiber, input: fiber.input, atLeast: 1)
        case .path(let path):
            let value = try makeScope(fiber, input: fiber.input).require(path)
            guard case .number(let number) = value, number > 0, number.rounded() == number else {
                throw StatesError.runtime("The \(field)Path field refers to value \"\(Self.plain(value))\" which is not a valid positive integer: \(path.text)")
            }
            return number
        }
    }

    /// A Map count given literally or by path (`MaxConcurrencyPath`), which may be a numeric string.
    func mapInteger(_ amount: StateNode.Amount?, _ fiber: Fiber, input: JSONValue, field: String) throws(StatesError) -> Int? {
        switch amount {
        case nil: return nil
        case .literal(let number): return Int(saturating: number)
        case .expression(let template): return Int(saturating: try number(of: template, field: field, fiber, input: input, atLeast: 0))
        case .path(let path):
            let value = try makeScope(fiber, input: input).require(path)
            switch value {
            case .number(let number) where number.rounded() == number: return Int(saturating: number)
            case .string(let text) where Int(text) != nil: return Int(text)
            default:
                throw StatesError.runtime("The \(field)Path field refers to value \"\(Self.plain(value))\" which is not a valid integer: \(path.text)")
            }
        }
    }

    func mapPercentage(_ amount: StateNode.Amount?, _ fiber: Fiber, input: JSONValue) throws(StatesError) -> Double? {
        switch amount {
        case nil: return nil
        case .literal(let number): return number
        case .expression(let template):
            return try number(of: template, field: "ToleratedFailurePercentage", fiber, input: input, atLeast: 0, integer: false)
        case .path(let path):
            let value = try makeScope(fiber, input: input).require(path)
            guard case .number(let number) = value else {
                throw StatesError.runtime(
                    "The ToleratedFailurePercentagePath field refers to value \"\(Self.plain(value))\" which is not a valid number: \(path.text)"
                )
            }
            return number
        }
    }

    /// The number a JSONata field's expression gives.
    /// - Throws: `States.QueryEvaluationError` for anything but a number (an integer unless not `integer`) of at least `minimum`.
    private func number(
        of template: PayloadTemplate, field: String, _ fiber: Fiber, input: JSONValue, atLeast minimum: Double, integer: Bool = true
    ) throws(StatesError) -> Double {
        var scope = makeScope(fiber, input: input)
        let value = try template.evaluate(in: &scope)
        guard case .number(let number) = value, number >= minimum, !integer || number.rounded() == number else {
            throw template.unexpected(value, field: field, expected: integer ? "integer" : "number")
        }
        return number
    }

    /// A value as Step Functions quotes it in messages: strings bare, the rest as JSON.
    static func plain(_ value: JSONValue) -> String { value.stringValue ?? JSONText.serialize(value) }
}
