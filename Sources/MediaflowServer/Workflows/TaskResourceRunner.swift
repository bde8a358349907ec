import AsyncHTTPClient
import Foundation
import Logging
import MediaflowModel
import MediaflowStates
import MediaflowStore
import NIOCore
import NIOHTTP1
import Synchronization

/// Hands a scheduled task to its resource and turns the outcome into an execution event.
final class TaskResourceRunner: Sendable {
    let engine: WorkflowEngine
    let client: MediaflowClient
    let httpClient: HTTPClient
    let baseURL: String
    let functions: FunctionBindings
    let invoker: FunctionInvoker
    let logger: Logger
    private let inFlight = Mutex<Set<String>>([])
    /// The tasks the node's shutdown stopped before they were handed over.
    private let interrupted = Mutex<[String]>([])
    /// The calls running now, by task token, so an abandoned one can be cancelled.
    private let calls = Mutex<[String: Task<Handover, any Error>]>([:])

    init(
        engine: WorkflowEngine, baseURL: String, httpClient: HTTPClient, functions: FunctionBindings,
        functionTimeoutSeconds: Double, logger: Logger
    ) {
        self.engine = engine
        self.client = MediaflowClient(baseURL: baseURL, httpClient: httpClient)
        self.httpClient = httpClient
        self.baseURL = baseURL
        self.functions = functions
        self.invoker = FunctionInvoker(httpClient: httpClient, defaultTimeoutSeconds: functionTimeoutSeconds)
        self.logger = logger
    }

    /// Whether the task is being handed over right now (so the runner does not start it twice).
    func claim(_ token: String) -> Bool { inFlight.withLock { $0.insert(token).inserted } }

    /// The tasks being handed over right now, whose leases must be kept.
    var handingOver: [String] { inFlight.withLock { Array($0) } }

    /// The tasks the node's shutdown stopped before they were handed over, whose leases it can end.
    var interruptedByShutdown: [String] { interrupted.withLock { $0 } }

    /// What handing a task over gave: its result when it came at once, and what it was handed to.
    struct Handover: Sendable {
        var output: JSONValue?
        /// The URL of the job it started, to cancel if the execution gives the task up.
        var handle: String?
    }

    func perform(_ record: WorkflowTaskRecord) async {
        defer { _ = inFlight.withLock { $0.remove(record.token) } }
        let resource = TaskResource(record.resource)
        guard let (executionArn, token) = TaskToken.parse(record.token),
            let invocation = try? ProtocolJSON.decode(TaskInvocation.self, from: record.input), resource.kind != .activity
        else { return }  // activity tasks are written `queued`; workers take them with GetActivityTask
        let work = Task { try await self.hand(invocation.input, to: resource, token: record.token) }
        calls.withLock { $0[record.token] = work }
        defer { _ = calls.withLock { $0.removeValue(forKey: record.token) } }
        do {
            let handover = try await withTaskCancellationHandler { try await work.value } onCancel: { work.cancel() }
            guard try await engine.store.markTaskDispatched(token: record.token, handle: handover.handle) else {
                // Given up while it was being handed over, before its job was known to the execution.
                if let job = handover.handle { await cancel(jobAt: job) }
                return
            }
            if let output = handover.output, !resource.waitsForToken {
                try await engine.deliver(.taskSucceeded(token: token, output: output), to: executionArn, closing: record.token)
            }
        } catch {
            // Cancelled by the node's shutdown (this task is cancelled by nothing else): the task is not failed but
            // left pending, to be handed over again (see `WorkflowRunner`).
            if Task.isCancelled {
                interrupted.withLock { $0.append(record.token) }
                return
            }
            let failure = error as? StatesError ?? StatesError(StatesError.taskFailed, "\(error)")
            do {
                try await engine.deliver(.taskFailed(token: token, error: failure.name, cause: failure.cause), to: executionArn, closing: record.token)
            } catch {
                logger.error("workflow task \(record.resource) for \(executionArn): \(error)")
            }
        }
    }

    /// Calls off a task its execution gave up on (timed out, stopped, in a failed branch): a call
    /// still running here is cancelled (a function's command is stopped), a job it started is cancelled.
    func abandon(_ record: WorkflowTaskRecord) async {
        calls.withLock { $0[record.token] }?.cancel()
        if let job = record.handle { await cancel(jobAt: job) }
    }

    /// Cancels the job an abandoned task started.
    private func cancel(jobAt url: String) async {
        do {
            _ = try await client.cancel(jobURL: url)
        } catch {
            logger.debug("cancelling \(url) for an abandoned task: \(error)")  // usually: it had finished
        }
    }

    private func hand(_ input: JSONValue, to resource: TaskResource, token: String) async throws -> Handover {
        if resource.mayBeBound, let binding = functions.binding(for: resource.name) {
            return try await call(binding, name: resource.name, input: input, token: token)
        }
        switch resource.kind {
        case .function:
            throw Self.unbound(resource.name)
        case .lambdaInvoke:
            return Handover(output: try await invokeLambda(input))
        case .job(let profile):
            return try await startJob(profile: profile, input: input, token: token, sync: resource.waitsForCompletion || resource.waitsForToken)
        case .http:
            return Handover(output: try await callHTTP(input))
        case .activity, .unknown:
            throw StatesError(StatesError.taskFailed, "No resource is bound to '\(resource.name)'")
        }
    }

    /// Runs the function bound to `name`; a function bound to a job completes the task when the job ends (no output here).
    private func call(_ binding: FunctionBinding, name: String, input: JSONValue, token: String) async throws -> Handover {
        if case .job(let profile) = binding { return try await startJob(profile: profile, input: input, token: token, sync: true) }
        return Handover(output: try await invoker.invoke(binding, name: name, input: input, directory: functions.directory))
    }

    /// `lambda:invoke`: `{FunctionName, Payload}` in, `{ExecutedVersion, Payload, StatusCode}` out.
    private func invokeLambda(_ input: JSONValue) async throws -> JSONValue {
        guard let name = input["FunctionName"]?.stringValue else {
            throw StatesError(StatesError.runtime, "lambda:invoke needs Parameters.FunctionName")
        }
        guard let binding = functions.binding(for: name) else { throw Self.unbound(name) }
        let payload = try await invoker.invoke(binding, name: name, input: input["Payload"] ?? [:], directory: functions.directory)
        return ["ExecutedVersion": "$LATEST", "Payload": payload, "StatusCode": 200]
    }

    /// The error of a function the functions file does not bind, as Lambda names a missing function.
    private static func unbound(_ name: String) -> StatesError {
        StatesError("Lambda.ResourceNotFoundException", "No function is bound to '\(name)' (see --functions)")
    }

    /// Creates and starts a job; with `sync` the job's callbacks complete the task later (no output here).
    private func startJob(profile: String, input: JSONValue, token: String, sync: Bool) async throws -> Handover {
        let type: JobType
        if let name = input["jobType"]?.stringValue {
            guard let known = JobType(rawValue: name) else { throw StatesError("Mediaflow.InvalidJob", "Unknown jobType '\(name)'") }
            type = known
        } else {
            type = try await client.profile(profile)?.jobType ?? .ameJob
        }
        let locator = input["locator"]?.stringValue ?? input["hasRelatedResource"]?["locator"]?.stringValue
        let job = Job(
            type: type, profile: profile, relatedResource: locator.map { RelatedResource(locator: $0) },
            jobInput: input["jobInput"]?.objectValue)
        let created: Job
        do {
            created = try await client.create(job)
        } catch {
            throw StatesError("Mediaflow.JobRejected", "\(error)")
        }
        let endpoint = sync ? AsyncEndpoint(success: "\(baseURL)/WorkflowTask/\(token)/success", failure: "\(baseURL)/WorkflowTask/\(token)/failure") : nil
        _ = try await client.start(jobURL: created.id!, asyncEndpoint: endpoint)
        if sync { return Handover(handle: created.id) }
        let queued = try JSONValueEncoder.encode(try await client.job(created.id!))
        return Handover(output: queued, handle: created.id)
    }

    /// `http:invoke`: `{ApiEndpoint, Method, Headers, QueryParameters, RequestBody}` in,
    /// `{StatusCode, StatusText, Headers, ResponseBody}` out; a non-2xx status is `States.Http.StatusCode.NNN`.
    private func callHTTP(_ input: JSONValue) async throws -> JSONValue {
        guard var url = input["ApiEndpoint"]?.stringValue else {
            throw StatesError(StatesError.runtime, "http:invoke needs Parameters.ApiEndpoint")
        }
        if let query = input["QueryParameters"]?.objectValue, !query.isEmpty {
            let pairs = query.map { key, value in
                "\(key)=\((value.stringValue ?? JSONText.serialize(value)).addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? "")"
            }
            url += (url.contains("?") ? "&" : "?") + pairs.joined(separator: "&")
        }
        var request = HTTPClientRequest(url: url)
        request.method = HTTPMethod(rawValue: input["Method"]?.stringValue ?? "GET")
        for (name, value) in input["Headers"]?.objectValue ?? [:] {
            request.headers.add(name: name, value: value.stringValue ?? JSONText.serialize(value))
        }
        if let body = input["RequestBody"] {
            if request.headers["Content-Type"].isEmpty { request.headers.add(name: "Content-Type", value: "application/json") }
            request.body = .bytes(ByteBuffer(string: body.stringValue ?? JSONText.serialize(body)))
        }
        let response = try await httpClient.execute(request, timeout: .seconds(60))
        let text = String(buffer: try await response.body.collect(upTo: 16 << 20))
        let status = Int(response.status.code)
        guard (200..<300).contains(status) else {
            throw StatesError("States.Http.StatusCode.\(status)", "\(url) answered \(status): \(text.prefix(500))")
        }
        var headers: JSONObject = [:]
        for header in response.headers { headers[header.name] = .string(header.value) }
        return [
            "StatusCode": .number(Double(status)), "StatusText": .string(response.status.reasonPhrase),
            "Headers": .object(headers), "ResponseBody": JSONText.parse(text) ?? .string(text),
        ]
    }
}
