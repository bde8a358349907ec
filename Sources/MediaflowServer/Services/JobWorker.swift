import Foundation
import MediaflowMedia
import MediaflowModel

/// The work behind one job profile of a built-in service.
protocol JobWorker: Sendable {
    /// Does the job's work and returns its `jobOutput`.
    /// - Throws: any error; its description becomes the failed job's `statusMessage`.
    func run(_ job: Job, context: WorkContext) async throws -> JSONObject
}

/// What a worker may use while it runs a job.
struct WorkContext: Sendable {
    /// The job's id.
    var jobID: String
    /// Reports progress, in percent, with a short message.
    var progress: @Sendable (Double, String) async -> Void
    /// Whether the node is shutting down: a worker cancelled then leaves what it started to be taken up again
    /// when the job is dispatched again, instead of undoing it.
    var isShuttingDown: @Sendable () -> Bool
}

/// Does nothing and completes at once: for measuring the platform itself.
struct NoOpWorker: JobWorker {
    func run(_ job: Job, context: WorkContext) async throws -> JSONObject { [:] }
}

/// `ExtractTechnicalMetadata`: MediaInfo's EBUCore document and ffprobe's report, kept as output files, and a
/// normalized summary.
struct TechnicalMetadataWorker: JobWorker {
    let resolver: LocatorResolver
    let extractor: MetadataExtractor
    let storage: OutputStorage

    func run(_ job: Job, context: WorkContext) async throws -> JSONObject {
        try await resolver.withMedia(of: job, context: context) { media in
            await context.progress(20, "Running MediaInfo and ffprobe")
            let result = try await extractor.extract(path: media.path)
            await context.progress(90, "Storing the EBUCore document and the ffprobe report")
            let ebuCore = try storage.write(Data(result.ebuCoreXML.utf8), jobID: context.jobID, name: "ebucore.xml")
            let probe = try storage.write(Data(result.ffprobeJSON.utf8), jobID: context.jobID, name: "ffprobe.json")
            return [
                "technicalMetadata": try JSONValueEncoder.encode(result.summary),
                "ebucore": ebuCore.resource(format: "EBUCore 1.8"),
                "ffprobe": probe.resource(format: "ffprobe JSON"),
            ]
        }
    }
}

extension LocatorResolver {
    /// Runs `body` on a local copy of the job's `hasRelatedResource`, released when it ends.
    /// - Throws: `MediaError` when the job has no locator or it cannot be read, and what `body` throws.
    func withMedia<Result: Sendable>(
        of job: Job, context: WorkContext, _ body: (LocalMedia) async throws -> Result
    ) async throws -> Result {
        guard let locator = job.hasRelatedResource?.locator else {
            throw MediaError.unreadable("the job has no hasRelatedResource.locator")
        }
        await context.progress(5, "Reading \(locator)")
        let media = try await resolve(locator)
        defer { media.release() }
        return try await body(media)
    }
}

/// Where built-in services write the files they produce: `DATA_DIR/media/{jobID}/NAME`, served at
/// `PUBLIC_URL/media/{jobID}/NAME`.
struct OutputStorage: Sendable {
    let directory: URL
    let baseURL: String

    /// A file written for a job.
    struct File: Sendable {
        var url: String
        var path: String

        func resource(format: String) -> JSONValue {
            ["type": "BMEssence", "locator": .string(url), "file": .string("file://" + path), "format": .string(format)]
        }
    }

    func write(_ data: Data, jobID: String, name: String) throws -> File {
        let file = try place(jobID: jobID, name: name)
        try data.write(to: URL(fileURLWithPath: file.path), options: .atomic)
        return file
    }

    /// Where a job's file named `name` goes, its folder made, for a tool to write it.
    func place(jobID: String, name: String) throws -> File {
        let folder = directory.appendingPathComponent(jobID)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return File(url: "\(baseURL)/media/\(jobID)/\(name)", path: folder.appendingPathComponent(name).path)
    }
}
