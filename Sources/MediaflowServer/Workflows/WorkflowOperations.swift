import Foundation
import MediaflowStates
import MediaflowStore

/// The workflow API's operations with Step Functions' request and response shapes; the AWS JSON
/// protocol and Mediaflow's REST routes both call these.
struct WorkflowOperations: Sendable {
    let engine: WorkflowEngine

    /// A client error named as Step Functions names it (`StateMachineDoesNotExist`, …).
    struct APIError: Error {
        let type: String
        let message: String
        /// The request field at fault, as a JSON pointer.
        var pointer: String?
    }

    static let names = [
        "CreateStateMachine", "DescribeStateMachine", "ListStateMachines", "DeleteStateMachine", "StartExecution",
        "DescribeExecution", "ListExecutions", "GetExecutionHistory", "StopExecution", "SendTaskSuccess", "SendTaskFailure",
        "SendTaskHeartbeat", "CreateActivity", "ListActivities", "GetActivityTask", "ValidateStateMachineDefinition",
    ]

    // swiftlint:disable:next cyclomatic_complexity
    func call(_ operation: String, _ body: JSONValue) async throws -> JSONValue {
        switch operation {
        case "CreateStateMachine": return try await createStateMachine(body)
        case "DescribeStateMachine": return try await describeStateMachine(try string(body, "stateMachineArn"))
        case "ListStateMachines":
            let machines = try await engine.store.stateMachines().map { record -> JSONValue in
                ["stateMachineArn": .string(record.arn), "name": .string(record.name), "type": "STANDARD",
                 "creationDate": .number(record.createdAt.timeIntervalSince1970)]
            }
            return ["stateMachines": .array(machines)]
        case "DeleteStateMachine":
            let arn = try string(body, "stateMachineArn")
            try await engine.store.deleteStateMachine(arn: arn)
            engine.forget(stateMachineArn: arn)
            return [:]
        case "ValidateStateMachineDefinition":
            let issues = StateMachine.validate(try definition(body))
            return [
                "result": issues.isEmpty ? "OK" : "FAIL",
                "diagnostics": .array(issues.map { ["severity": "ERROR", "code": "SCHEMA_VALIDATION_FAILED", "message": .string($0.message), "location": .string($0.location)] }),
            ]
        case "StartExecution": return try await startExecution(body)
        case "DescribeExecution": return .object(HistoryDocument.describe(try await execution(try string(body, "executionArn"))))
        case "ListExecutions": return try await listExecutions(body)
        case "GetExecutionHistory": return try await history(body)
        case "StopExecution":
            let arn = try string(body, "executionArn")
            _ = try await execution(arn)
            try await engine.deliver(.stop(error: body["error"]?.stringValue, cause: body["cause"]?.stringValue), to: arn)
            return ["stopDate": .number(Date().timeIntervalSince1970)]
        case "SendTaskSuccess":
            let output = try string(body, "output")
            guard let value = JSONText.parse(output) else { throw APIError(type: "InvalidOutput", message: "output is not JSON", pointer: "/output") }
            try await sendTask(try string(body, "taskToken"), .success(value))
            return [:]
        case "SendTaskFailure":
            try await sendTask(try string(body, "taskToken"), .failure(body["error"]?.stringValue, body["cause"]?.stringValue))
            return [:]
        case "SendTaskHeartbeat":
            try await sendTask(try string(body, "taskToken"), .heartbeat)
            return [:]
        case "CreateActivity":
            let name = try string(body, "name")
            guard WorkflowNames.isValid(name) else { throw APIError(type: "InvalidName", message: "Invalid activity name '\(name)'", pointer: "/name") }
            let arn = WorkflowNames.activityArn(name)
            let now = Date()
            do {
                try await engine.store.createActivity(arn: arn, name: name, createdAt: now)
            } catch let error as StoreError where error.isConflict {
                return ["activityArn": .string(arn), "creationDate": .number(now.timeIntervalSince1970)]
            }
            return ["activityArn": .string(arn), "creationDate": .number(now.timeIntervalSince1970)]
        case "ListActivities":
            let activities = try await engine.store.activities().map { activity -> JSONValue in
                ["activityArn": .string(activity.arn), "name": .string(activity.name), "creationDate": .number(activity.createdAt.timeIntervalSince1970)]
            }
            return ["activities": .array(activities)]
        case "GetActivityTask": return try await activityTask(body)
        default:
            throw APIError(type: "UnknownOperationException", message: "Unknown operation \(operation)")
        }
    }

    private func createStateMachine(_ body: JSONValue) async throws -> JSONValue {
        let name = try string(body, "name")
        guard WorkflowNames.isValid(name) else { throw APIError(type: "InvalidName", message: "Invalid state machine name '\(name)'", pointer: "/name") }
        if let type = body["type"]?.stringValue, type != "STANDARD" {
            throw APIError(type: "ValidationException", message: "Only STANDARD state machines are supported", pointer: "/type")
        }
        do {
            let record = try await engine.createStateMachine(name: name, definition: try definition(body), roleArn: body["roleArn"]?.stringValue)
            return ["stateMachineArn": .string(record.arn), "creationDate": .number(record.createdAt.timeIntervalSince1970)]
        } catch let error as DefinitionError {
            let first = error.issues.first
            throw APIError(
                type: "InvalidDefinition", message: "Invalid State Machine Definition: \(error.issues.map(\.description).joined(separator: "; "))",
                pointer: first.map { "/definition" + Self.pointer(fromJSONPath: $0.location) })
        } catch let error as StoreError where error.isConflict {
            throw APIError(type: "StateMachineAlreadyExists", message: "State Machine Already Exists: '\(WorkflowNames.stateMachineArn(name))'")
        }
    }

    private func describeStateMachine(_ arn: String) async throws -> JSONValue {
        guard let record = try await engine.store.stateMachine(arn: arn) else {
            throw APIError(type: "StateMachineDoesNotExist", message: "State Machine Does Not Exist: '\(arn)'")
        }
        return [
            "stateMachineArn": .string(record.arn), "name": .string(record.name), "status": "ACTIVE",
            "definition": .string(record.definition), "roleArn": .string(record.roleArn), "type": "STANDARD",
            "creationDate": .number(record.createdAt.timeIntervalSince1970),
        ]
    }

    private func startExecution(_ body: JSONValue) async throws -> JSONValue {
        let machine = WorkflowNames.stateMachine(try string(body, "stateMachineArn"))
        let name = body["name"]?.stringValue
        if let name, !WorkflowNames.isValid(name) { throw APIError(type: "InvalidName", message: "Invalid execution name '\(name)'", pointer: "/name") }
        var input: JSONValue = [:]
        switch body["input"] {
        case nil, .null?: break
        case .string(let text)?:
            guard let parsed = JSONText.parse(text) else { throw APIError(type: "InvalidExecutionInput", message: "input is not JSON text", pointer: "/input") }
            input = parsed
        case let value?: input = value
        }
        guard try await engine.store.stateMachine(arn: machine) != nil else {
            throw APIError(type: "StateMachineDoesNotExist", message: "State Machine Does Not Exist: '\(machine)'", pointer: "/stateMachineArn")
        }
        do {
            let record = try await engine.startExecution(stateMachineArn: machine, name: name, input: input)
            return ["executionArn": .string(record.arn), "startDate": .number(record.startedAt.timeIntervalSince1970)]
        } catch let error as StoreError where error.isConflict {
            throw APIError(type: "ExecutionAlreadyExists", message: "Execution Already Exists: '\(name ?? "")'", pointer: "/name")
        }
    }

    func execution(_ arn: String) async throws -> ExecutionState {
        try await executionRecord(arn).interpreterState()
    }

    /// The execution as stored. - Throws: `ExecutionDoesNotExist`.
    func executionRecord(_ arn: String) async throws -> ExecutionRecord {
        guard let record = try await engine.store.execution(arn: arn) else {
            throw APIError(type: "ExecutionDoesNotExist", message: "Execution Does Not Exist: '\(arn)'")
        }
        return record
    }

    private func listExecutions(_ body: JSONValue) async throws -> JSONValue {
        let machine = body["stateMachineArn"]?.stringValue.map(WorkflowNames.stateMachine)
        let status = body["statusFilter"]?.stringValue
        if let status, ExecutionStatus(rawValue: status) == nil {
            throw APIError(type: "ValidationException", message: "Unknown statusFilter \(status)", pointer: "/statusFilter")
        }
        let limit = min(max(Int(saturating: body["maxResults"]?.numberValue ?? 100), 1), 1000)
        let records = try await engine.store.executions(stateMachineArn: machine, status: status, limit: limit)
        return [
            "executions": .array(records.map { record in
                var item: JSONObject = [
                    "executionArn": .string(record.arn), "stateMachineArn": .string(record.stateMachineArn), "name": .string(record.name),
                    "status": .string(record.status), "startDate": .number(record.startedAt.timeIntervalSince1970),
                ]
                if let stop = record.stoppedAt { item["stopDate"] = .number(stop.timeIntervalSince1970) }
                return .object(item)
            })
        ]
    }

    private func history(_ body: JSONValue) async throws -> JSONValue {
        let arn = try string(body, "executionArn")
        _ = try await execution(arn)
        var after = 0
        if let token = body["nextToken"]?.stringValue {
            guard let number = Int(token), number >= 0 else {
                throw APIError(type: "InvalidToken", message: "Invalid Token: '\(token)'", pointer: "/nextToken")
            }
            after = number
        }
        let limit = min(max(Int(saturating: body["maxResults"]?.numberValue ?? 1000), 1), 1000)
        let documents = try await engine.store.history(arn: arn, after: after, limit: limit)
        var events = documents.compactMap { try? ProtocolJSON.decode(JSONValue.self, from: $0) }
        if body["reverseOrder"] == .bool(true) { events.reverse() }
        var answer: JSONObject = ["events": .array(events)]
        if documents.count == limit, let last = events.last?["id"]?.numberValue { answer["nextToken"] = .string(String(Int(last))) }
        return .object(answer)
    }

    enum TaskOutcome {
        case success(JSONValue)
        case failure(String?, String?)
        case heartbeat
    }

    func sendTask(_ taskToken: String, _ outcome: TaskOutcome) async throws {
        guard let (arn, token) = TaskToken.parse(taskToken) else {
            throw APIError(type: "InvalidToken", message: "Invalid Token: '\(taskToken)'", pointer: "/taskToken")
        }
        let event: ExecutionEvent
        switch outcome {
        case .success(let output): event = .taskSucceeded(token: token, output: output)
        case .failure(let error, let cause): event = .taskFailed(token: token, error: error, cause: cause)
        case .heartbeat: event = .taskHeartbeat(token: token)
        }
        let closing: String? = if case .heartbeat = outcome { nil } else { taskToken }
        let accepted: Bool
        do {
            accepted = try await engine.deliver(event, to: arn, closing: closing)
        } catch let error as StoreError where error.isNotFound {
            throw APIError(type: "TaskDoesNotExist", message: "Task Does Not Exist: the execution is gone")
        }
        guard accepted else { throw APIError(type: "TaskTimedOut", message: "Task Timed Out: the task is over or unknown") }
    }

    /// Long poll: waits up to 60 s for a task of the activity, as Step Functions does; answers without a task
    /// when none came, or at once when the server begins to shut down.
    private func activityTask(_ body: JSONValue) async throws -> JSONValue {
        let activity = try string(body, "activityArn")
        let worker = body["workerName"]?.stringValue ?? "worker"
        let claimed = try await LongPoll.wait(timeout: .seconds(60), interval: .milliseconds(100)) {
            try await engine.store.claimActivityTask(resource: activity, worker: worker)
        }
        guard let task = claimed else { return [:] }
        let invocation = try ProtocolJSON.decode(TaskInvocation.self, from: task.input)
        if let (executionArn, token) = TaskToken.parse(task.token) {
            try await engine.deliver(.taskStarted(token: token, worker: worker), to: executionArn)
        }
        return ["taskToken": .string(task.token), "input": .string(JSONText.serialize(invocation.input))]
    }

    private func definition(_ body: JSONValue) throws -> JSONValue {
        switch body["definition"] {
        case .string(let text)?:
            guard let value = JSONText.parse(text) else {
                throw APIError(type: "InvalidDefinition", message: "Invalid State Machine Definition: not JSON", pointer: "/definition")
            }
            return value
        case .object(let members)?: return .object(members)
        default: throw APIError(type: "ValidationException", message: "definition is required", pointer: "/definition")
        }
    }

    private func string(_ body: JSONValue, _ key: String) throws -> String {
        guard let value = body[key]?.stringValue, !value.isEmpty else {
            throw APIError(type: "ValidationException", message: "\(key) is required and must be a string", pointer: "/\(key)")
        }
        return value
    }

    /// `$.States.A.Next` → `/States/A/Next`.
    static func pointer(fromJSONPath path: String) -> String {
        var out = ""
        for part in path.dropFirst(1).split(separator: ".") {
            let pieces = part.split(separator: "[")
            out += "/" + pieces[0].replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
            for index in pieces.dropFirst() { out += "/" + index.dropLast() }
        }
        return out
    }
}
