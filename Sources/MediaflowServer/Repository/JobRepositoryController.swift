import Foundation
import Hummingbird
import MediaflowModel
import MediaflowStore

/// The job repository's routes: `/Job` and the `StartJob` records.
struct JobRepositoryController<Context: RequestContext>: Sendable {
    let store: any JobRepositoryStore
    let directory: any ServiceDirectory
    let baseURL: String
    let maxBodyBytes: Int
    /// True when no processor runs here, so `POST /StartJob` records a start (seed message 6).
    let recordsStartJobs: Bool

    func addRoutes(to router: Router<Context>) {
        router.post("/Job") { request, _ in try await create(request) }
        router.get("/Job") { request, _ in try await list(request) }
        router.get("/Job/:id") { request, context in try await get(request, context) }
        router.put("/Job/:id") { request, context in try await replace(request, context) }
        router.delete("/Job/:id") { _, context in
            try await storeCall { try await store.deleteJob(id: try context.parameters.require("id")) }
            return Response(status: .noContent)
        }
        router.get("/StartJob/:id") { _, context in
            let id = try context.parameters.require("id")
            guard let record = try await storeCall({ try await store.startJob(id: id) }) else {
                throw Problem.notFound("No StartJob \(id)")
            }
            return try ProtocolIO.response(record)
        }
        // A processor that recorded a StartJob, then found the job started elsewhere, withdraws its record.
        router.delete("/StartJob/:id") { _, context in
            try await storeCall { try await store.deleteStartJob(id: try context.parameters.require("id")) }
            return Response(status: .noContent)
        }
        if recordsStartJobs {
            router.post("/StartJob") { request, _ in try await recordStart(request) }
        }
    }

    /// `POST /Job` (seed messages 1–2).
    func create(_ request: Request) async throws -> Response {
        var job = try await ProtocolIO.decode(Job.self, from: request, limit: maxBodyBytes)
        try await JobValidator(directory: directory).validate(job)
        let now = Timestamp.now()
        let link = ResourceLink.new(baseURL: baseURL, collection: "Job")
        job.context = contextURL(baseURL: baseURL)
        job.id = link.url
        job.jobStatus = .new
        job.dateCreated = now
        job.dateModified = now
        for field in [\Job.startJob, \.processJob, \.statusMessage] { job[keyPath: field] = nil }
        job.progress = nil
        job.jobOutput = nil
        job.priority = nil
        try await storeCall { try await store.insertJob(job) }
        return try ProtocolIO.response(job, status: .created, location: link.path)
    }

    /// `GET /Job/{id}` (seed messages 4–5), with the job's version as its `ETag`: a client may make it conditional
    /// and long (`If-None-Match`, `Prefer: wait=N`), to follow every change of the job (see `ConditionalRead`).
    func get(_ request: Request, _ context: Context) async throws -> Response {
        let id = try context.parameters.require("id")
        return try await ConditionalRead.answer(request.headers, reading: { try await versionedJob(id) }, version: \.version) {
            stored, tag in try ProtocolIO.response(stored.job, entityTag: tag)
        }
    }

    private func versionedJob(_ id: String) async throws -> VersionedJob {
        guard let stored = try await storeCall({ try await store.versionedJob(id: id) }) else {
            throw Problem.notFound("No job \(id)")
        }
        return stored
    }

    /// `PUT /Job/{id}` (seed messages 8–9): the processor writes the job's new state; with `If-Match`, only
    /// if the job is still as the writer read it.
    func replace(_ request: Request, _ context: Context) async throws -> Response {
        let id = try context.parameters.require("id")
        var job = try await ProtocolIO.decode(Job.self, from: request, limit: maxBodyBytes)
        guard let current = try await storeCall({ try await store.versionedJob(id: id) }) else {
            throw Problem.notFound("No job \(id)")
        }
        var expected: Int64?
        let conditions = request.headers[values: .ifMatch]
        if !conditions.isEmpty {
            guard EntityTag.ifMatch(conditions, allows: current.version) else {
                throw Problem.outdated(
                    "Job \(id) is at \(EntityTag.of(version: current.version)), which If-Match does not name: it changed since it was read")
            }
            expected = current.version
        }
        job.context = current.job.context
        job.id = current.job.id
        job.dateCreated = current.job.dateCreated
        job.dateModified = Timestamp.now()
        let version = try await storeCall { try await store.replaceJob(job, ifVersion: expected) }
        return try ProtocolIO.response(job, entityTag: EntityTag.of(version: version))
    }

    /// `GET /Job`: newest first, filtered by `status`, `type`, `profile`, `createdAfter`, `createdBefore`,
    /// paged by `limit` and `cursor`.
    func list(_ request: Request) async throws -> Response {
        let query = try JobQueryParser.parse(request.uri.queryParameters)
        let page = try await storeCall { try await store.jobs(matching: query) }
        let next = page.nextCursor.flatMap { ProtocolIO.nextPage(of: request, at: "\(baseURL)/Job", cursor: $0) }
        return try ProtocolIO.response(JobListing(items: page.jobs, next: next, nextCursor: page.nextCursor))
    }

    /// `POST /StartJob` on a repository without a processor (seed messages 6–7).
    func recordStart(_ request: Request) async throws -> Response {
        var record = try await ProtocolIO.decode(StartJob.self, from: request, limit: maxBodyBytes)
        guard ResourceLink.isLink(record.job, collection: "Job") else {
            throw Problem.invalidField("/job", "must be the URL of a job")
        }
        let now = Timestamp.now()
        let link = ResourceLink.new(baseURL: baseURL, collection: "StartJob")
        record.context = contextURL(baseURL: baseURL)
        record.id = link.url
        record.dateCreated = now
        record.dateModified = now
        try await storeCall { try await store.insertStartJob(record) }
        return try ProtocolIO.response(record, status: .created, location: link.path)
    }
}

/// A page of `GET /Job`: the jobs, and the cursor and URL of the next page when there is one.
private struct JobListing: Encodable, JSONWritable {
    var items: [Job]
    var next: String?
    var nextCursor: String?

    func writeMembers(to object: inout JSONObjectWriter) {
        object.member("items", items)
        object.member("next", next)
        object.member("nextCursor", nextCursor)
    }
}
