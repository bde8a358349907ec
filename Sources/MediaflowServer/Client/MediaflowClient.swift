import AsyncHTTPClient
import Foundation
import MediaflowModel
import NIOCore
import NIOHTTP1

/// A client of a Mediaflow server's job protocol, as the CLI, the benchmark and the tests use it.
public struct MediaflowClient: Sendable {
    /// The server's base URL, without a trailing slash.
    public let baseURL: String
    let transport: HTTPTransport

    /// A client of the server at `baseURL`; unless `waitsForServer` is false, a call finding nothing listening
    /// tries again for a few seconds, as the server may be starting. `httpClient` (for HTTPS) is by default
    /// one that waits likewise, or not.
    public init(baseURL: String, httpClient: HTTPClient? = nil, waitsForServer: Bool = true) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.transport = HTTPTransport(
            client: httpClient ?? (waitsForServer ? .mediaflow : .impatient), waitsForListener: waitsForServer)
    }

    /// `POST /Job`: creates a job and returns it with its id and `NEW` status.
    public func create(_ job: Job) async throws -> Job {
        try await expect(201, transport.send(.POST, "\(baseURL)/Job", job)).decode(Job.self)
    }

    /// `POST /StartJob`: starts the job at `jobURL`, at once or not before `notBefore`, to end within
    /// `timeoutSeconds`.
    public func start(
        jobURL: String, priority: JobPriority = .medium, asyncEndpoint: AsyncEndpoint? = nil, notBefore: Date? = nil,
        timeoutSeconds: Double? = nil
    ) async throws -> StartJob {
        var request = StartJob(
            job: jobURL, priority: priority, asyncEndpoint: asyncEndpoint, notBefore: notBefore, timeoutSeconds: timeoutSeconds)
        request.context = contextURL(baseURL: baseURL)
        return try await expect(201, transport.send(.POST, "\(baseURL)/StartJob", request)).decode(StartJob.self)
    }

    /// The URL of a job given by its URL or its id on this server.
    public func jobURL(_ idOrURL: String) -> String {
        idOrURL.contains("/") ? idOrURL : "\(baseURL)/Job/\(idOrURL)"
    }

    /// `GET` of a job by its URL or id.
    public func job(_ idOrURL: String) async throws -> Job {
        try await expect(200, transport.send(.GET, jobURL(idOrURL))).decode(Job.self)
    }

    /// `GET /Job` with query parameters; returns the page's jobs and the next cursor.
    public func jobs(_ parameters: [String: String] = [:]) async throws -> (jobs: [Job], nextCursor: String?) {
        var components = URLComponents(string: "\(baseURL)/Job")!
        if !parameters.isEmpty { components.queryItems = parameters.sorted { $0.key < $1.key }.map(URLQueryItem.init) }
        struct Page: Decodable {
            var items: [Job]
            var nextCursor: String?
        }
        let page = try await expect(200, transport.send(.GET, components.string!)).decode(Page.self)
        return (page.items, page.nextCursor)
    }

    /// `POST /CancelJob` for the job at `jobURL`.
    public func cancel(jobURL: String) async throws -> Job {
        let body = CancelJob(type: "CancelJob", job: jobURL)
        return try await expect(200, transport.send(.POST, "\(baseURL)/CancelJob", body)).decode(Job.self)
    }

    /// The roles the server plays, as its `GET /health` names them (`job-processor`, …).
    public func roles() async throws -> Set<String> {
        let health = try await expect(200, transport.send(.GET, "\(baseURL)/health")).decode(JSONValue.self)
        return Set(health["roles"]?.arrayValue?.compactMap(\.stringValue) ?? [])
    }

    /// `DELETE` of a finished job.
    public func delete(jobURL: String) async throws {
        _ = try await expect(204, transport.send(.DELETE, jobURL))
    }

    /// The profile with this label, or nil.
    public func profile(_ label: String) async throws -> JobProfile? {
        try await transport.get(JobProfile.self, "\(baseURL)/JobProfile/\(label)")
    }

    /// Follows the job until it ends, calling `onChange` each time its status, progress or message changes.
    public func wait(for idOrURL: String, onChange: (Job) -> Void = { _ in }) async throws -> Job {
        var last: (JobStatus, Double?, String?)?
        return try await follow(jobURL(idOrURL)) { body in
            let job = try ProtocolJSON.decode(Job.self, from: body)
            if last == nil || last! != (job.status, job.progress, job.statusMessage) {
                last = (job.status, job.progress, job.statusMessage)
                onChange(job)
            }
            return job.status.isFinal ? job : nil
        }
    }

    /// Reads the resource at `url` (a job, an execution) and again each time it changes, handing each version's
    /// body to `read` until that returns a value. Each request is a long poll (`If-None-Match` with the version
    /// last seen, `Prefer: wait=20`), answered as soon as the resource changes; a server that does not wait is
    /// asked again every 200 ms. - Throws: `ClientError` for an answer other than 200 or 304.
    public func follow<Value>(_ url: String, until read: (Data) async throws -> Value?) async throws -> Value {
        var polling = transport
        polling.timeout = .seconds(Self.longPollSeconds + 15)
        var seen: String?
        while true {
            let conditions = seen.map { [("If-None-Match", $0), ("Prefer", "wait=\(Self.longPollSeconds)")] } ?? []
            let reply = try await polling.send(.GET, url, headers: conditions)
            if reply.status == 304 {
                // A server that does not wait answers at once, with no word of having waited.
                if reply.headers.first(name: "Preference-Applied") == nil {
                    try await Task.sleep(for: .milliseconds(200))
                }
                continue
            }
            if let value = try await read(try expect(200, reply).body) { return value }
            let tag = reply.headers.first(name: "ETag")
            if tag == nil || tag == seen { try await Task.sleep(for: .milliseconds(200)) }
            seen = tag
        }
    }

    /// How long one request of `follow(_:until:)` waits for a change.
    static let longPollSeconds: Int64 = 20

    /// Sends `method path` with a JSON `body` and returns the answer's status and body whatever the status:
    /// for the routes this client has no method of its own for (workflows, the bus).
    public func call(_ method: HTTPMethod, _ path: String, json body: Data? = nil, timeout: TimeAmount) async throws
        -> (status: Int, body: Data)
    {
        var transport = transport
        transport.timeout = timeout
        let reply = try await transport.send(method, baseURL + path, json: body)
        return (reply.status, reply.body)
    }

    private func expect(_ status: Int, _ reply: HTTPTransport.Reply) throws -> HTTPTransport.Reply {
        guard reply.status == status else { throw ClientError(status: reply.status, body: reply.body) }
        return reply
    }
}

/// The server answered with an unexpected status; `detail` is the problem's detail when it sent one.
public struct ClientError: Error, Sendable, CustomStringConvertible {
    public var status: Int
    public var problem: JSONValue?

    init(status: Int, body: Data) {
        self.status = status
        self.problem = try? ProtocolJSON.decode(JSONValue.self, from: body)
    }

    public var description: String {
        let detail = problem?["detail"]?.stringValue ?? "no detail"
        let pointer = problem?["pointer"]?.stringValue.map { " at \($0)" } ?? ""
        return "The server answered \(status): \(detail)\(pointer)"
    }
}
