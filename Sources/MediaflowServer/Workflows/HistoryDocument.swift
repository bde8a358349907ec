import MediaflowStates

/// History events and executions in the JSON shapes Step Functions' API returns.
enum HistoryDocument {
    /// `{"id", "previousEventId", "timestamp", "type", "<type>EventDetails": {…}}`.
    static func json(_ event: HistoryEvent) -> JSONValue {
        var document: JSONObject = [
            "id": .number(Double(event.id)), "previousEventId": .number(Double(event.previousEventId)),
            "timestamp": .number(event.timestamp), "type": .string(event.type),
        ]
        if let key = event.detailsKey, let details = event.details { document[key] = details }
        return .object(document)
    }

    /// DescribeExecution's answer for an execution.
    static func describe(_ state: ExecutionState) -> JSONObject {
        var document: JSONObject = [
            "executionArn": .string(state.identity.executionArn), "stateMachineArn": .string(state.identity.stateMachineArn),
            "name": .string(state.identity.name), "status": .string(state.status.rawValue), "startDate": .number(state.startTime),
            "input": .string(JSONText.serialize(state.input)), "inputDetails": ["included": true],
            "redriveCount": 0, "redriveStatus": "NOT_REDRIVABLE",
        ]
        if let stop = state.stopTime { document["stopDate"] = .number(stop) }
        if let output = state.output {
            document["output"] = .string(JSONText.serialize(output))
            document["outputDetails"] = ["included": true]
        }
        if let error = state.error {
            document["error"] = .string(error.name)
            document["cause"] = .string(error.cause)
        }
        return document
    }
}
