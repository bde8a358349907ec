import Foundation
import HTTPTypes
import Hummingbird
import MediaflowStates
import MediaflowStore

/// The workflow API over HTTP, twice: Step Functions' JSON protocol (`POST /` with an
/// `X-Amz-Target` header, so the AWS CLI works unchanged) and Mediaflow's REST routes in the
/// style of the job protocol (`/StateMachine`, `/Execution`, `/WorkflowTask`, `/Activity`).
struct WorkflowController<Context: RequestContext>: Sendable {
    let operations: WorkflowOperations
    let maxBodyBytes: Int

    func addRoutes(to router: Router<Context>) {
        router.post("/") { request, _ in try await amazonJSON(request) }
        router.post("/StateMachine") { request, _ in
            let body = try await json(request)
            let created = try await rest("CreateStateMachine", body)
            let name = WorkflowNames.name(of: created["stateMachineArn"]?.stringValue ?? "")
            return try ProtocolIO.response(try await rest("DescribeStateMachine", ["stateMachineArn": created["stateMachineArn"]!]),
                                           status: .created, location: "/StateMachine/\(name)")
        }
        router.get("/StateMachine") { _, _ in try ProtocolIO.response(try await rest("ListStateMachines", [:])) }
        router.get("/StateMachine/:name") { _, context in
            try ProtocolIO.response(try await rest("DescribeStateMachine", ["stateMachineArn": .string(machineArn(context))]))
        }
        router.delete("/StateMachine/:name") { _, context in
            _ = try await rest("DeleteStateMachine", ["stateMachineArn": .string(machineArn(context))])
            return Response(status: .noContent)
        }
        router.post("/Execution") { request, _ in
            var body = try await json(request)
            if case .object(var members) = body, let machine = members.removeValue(forKey: "stateMachine") {
                members["stateMachineArn"] = machine
                body = .object(members)
            }
            let started = try await rest("StartExecution", body)
            let arn = started["executionArn"]?.stringValue ?? ""
            return try ProtocolIO.response(try await rest("DescribeExecution", ["executionArn": .string(arn)]),
                                           status: .created, location: WorkflowPaths.execution(arn))
        }
        router.get("/Execution") { request, _ in
            var body: JSONObject = [:]
            if let machine = request.uri.queryParameters.get("stateMachine") { body["stateMachineArn"] = .string(machine) }
            if let status = request.uri.queryParameters.get("status") { body["statusFilter"] = .string(status) }
            return try ProtocolIO.response(try await rest("ListExecutions", .object(body)))
        }
        router.get("/Execution/:machine/:name") { request, context in
            let arn = try executionArn(context)
            return try await translatingWorkflowErrors {
                try await ConditionalRead.answer(
                    request.headers, reading: { try await operations.executionRecord(arn) }, version: { Int64($0.version) }
                ) { record, tag in
                    try ProtocolIO.response(JSONValue.object(HistoryDocument.describe(try record.interpreterState())), entityTag: tag)
                }
            }
        }
        router.get("/Execution/:machine/:name/history") { request, context in
            var body: JSONObject = ["executionArn": .string(try executionArn(context))]
            if let token = request.uri.queryParameters.get("nextToken") { body["nextToken"] = .string(token) }
            return try ProtocolIO.response(try await rest("GetExecutionHistory", .object(body)))
        }
        router.post("/Execution/:machine/:name/stop") { request, context in
            var body = try await json(request, allowEmpty: true).objectValue ?? [:]
            body["executionArn"] = .string(try executionArn(context))
            _ = try await rest("StopExecution", .object(body))
            return try ProtocolIO.response(try await rest("DescribeExecution", ["executionArn": .string(executionArn(context))]))
        }
        router.post("/WorkflowTask/:token/success") { request, context in
            let output = try await json(request)
            try await translatingWorkflowErrors { try await operations.sendTask(try context.parameters.require("token"), .success(output)) }
            return Response(status: .noContent)
        }
        router.post("/WorkflowTask/:token/failure") { request, context in
            let body = try await json(request, allowEmpty: true)
            try await translatingWorkflowErrors { try await operations.sendTask(try context.parameters.require("token"), Self.failure(from: body)) }
            return Response(status: .noContent)
        }
        router.post("/WorkflowTask/:token/heartbeat") { _, context in
            try await translatingWorkflowErrors { try await operations.sendTask(try context.parameters.require("token"), .heartbeat) }
            return Response(status: .noContent)
        }
        router.post("/Activity") { request, _ in
            try ProtocolIO.response(try await rest("CreateActivity", try await json(request)), status: .created)
        }
        router.get("/Activity") { _, _ in try ProtocolIO.response(try await rest("ListActivities", [:])) }
        router.get("/Activity/:name/task") { request, context in
            let name = try context.parameters.require("name")
            let worker = request.uri.queryParameters.get("worker") ?? "worker"
            return try ProtocolIO.response(try await rest("GetActivityTask", [
                "activityArn": .string(WorkflowNames.activityArn(name)), "workerName": .string(worker),
            ]))
        }
    }

    /// A failure body: `{error, cause}`, or a job the job processor reported as failed or canceled.
    static func failure(from body: JSONValue) -> WorkflowOperations.TaskOutcome {
        if let status = body["jobStatus"]?.stringValue {
            let reason = body["statusMessage"]?.stringValue ?? "The job ended \(status)"
            return .failure(status == "CANCELED" ? "Mediaflow.JobCanceled" : "Mediaflow.JobFailed", reason)
        }
        return .failure(body["error"]?.stringValue, body["cause"]?.stringValue)
    }

    private func machineArn(_ context: Context) throws -> String {
        WorkflowNames.stateMachineArn(try context.parameters.require("name"))
    }

    private func executionArn(_ context: Context) throws -> String {
        let machine = try context.parameters.require("machine")
        return WorkflowNames.executionArn(machine: machine, name: try context.parameters.require("name"))
    }

    private func rest(_ operation: String, _ body: JSONValue) async throws -> JSONValue {
        try await translatingWorkflowErrors { try await operations.call(operation, body) }
    }

    private func json(_ request: Request, allowEmpty: Bool = false) async throws -> JSONValue {
        var request = request
        let buffer = try await request.collectBody(upTo: maxBodyBytes)
        if allowEmpty && buffer.readableBytes == 0 { return [:] }
        guard let value = JSONText.parse(String(buffer: buffer)) else { throw Problem.malformedBody("The body is not JSON") }
        return value
    }

    /// Step Functions' AWS JSON 1.0 protocol: the operation in `X-Amz-Target`, errors as `{"__type", "message"}`.
    private func amazonJSON(_ request: Request) async throws -> Response {
        let target = request.headers[HTTPField.Name("X-Amz-Target")!] ?? ""
        let operation = target.split(separator: ".").last.map(String.init) ?? ""
        var headers = HTTPFields()
        headers[.contentType] = "application/x-amz-json-1.0"
        let answer: JSONValue
        var status = HTTPResponse.Status.ok
        do {
            var request = request
            let buffer = try await request.collectBody(upTo: maxBodyBytes)
            let body = buffer.readableBytes == 0 ? [:] : JSONText.parse(String(buffer: buffer))
            guard let body else { throw WorkflowOperations.APIError(type: "SerializationException", message: "The body is not JSON") }
            answer = try await operations.call(operation, body)
        } catch let error as WorkflowOperations.APIError {
            status = .badRequest
            answer = ["__type": .string(error.type), "message": .string(error.message)]
        } catch let error as StoreError {
            status = error.isNotFound ? .badRequest : .serviceUnavailable
            answer = ["__type": error.isNotFound ? "ResourceNotFound" : "ServiceUnavailable", "message": .string(error.message)]
        }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: JSONText.serialize(answer))))
    }
}

extension WorkflowOperations.APIError {
    /// The problem+json a REST client gets for this error.
    var problem: Problem {
        switch type {
        case let type where type.hasSuffix("DoesNotExist"): .notFound(message)
        case let type where type.hasSuffix("AlreadyExists"): .conflict(message, pointer: pointer)
        case "TaskTimedOut": .conflict(message)
        default: .invalidField(pointer ?? "", message)
        }
    }
}

/// Runs a workflow operation, turning its errors into problems for REST clients.
func translatingWorkflowErrors<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as WorkflowOperations.APIError {
        throw error.problem
    } catch let error as StoreError {
        throw error.problem
    }
}
