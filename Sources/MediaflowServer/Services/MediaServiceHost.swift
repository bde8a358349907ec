import Foundation
import Logging
import MediaflowModel
import ServiceLifecycle
import Synchronization

/// The built-in media services' side of the protocol: accepts `ProcessJob`, runs the profile's worker,
/// and reports to the processor with `UpdateJob` (progress, and a heartbeat that keeps the job's lease)
/// and `StopJob` (the end). A cancel stops the worker and the tools it runs.
final class MediaServiceHost: Service, Sendable {
    /// Where this host takes `ProcessJob`: `PUBLIC_URL/ProcessJob`.
    let endpoint: String
    let baseURL: String
    let workers: [String: any JobWorker]
    let jobs: @Sendable (String) async throws -> Job?
    let reporter: ReportSender
    let heartbeat: Duration
    let logger: Logger
    /// The tasks of running `ProcessJob`s, and the ids of those that ended before they were recorded.
    private let running = Mutex<(tasks: [String: Task<Void, Never>], endedEarly: Set<String>)>(([:], []))

    init(
        baseURL: String, workers: [String: any JobWorker], jobs: @escaping @Sendable (String) async throws -> Job?,
        reporter: ReportSender, heartbeat: Duration, logger: Logger
    ) {
        self.baseURL = baseURL
        self.endpoint = "\(baseURL)/ProcessJob"
        self.workers = workers
        self.jobs = jobs
        self.reporter = reporter
        self.heartbeat = heartbeat
        self.logger = logger
    }

    /// Takes a `ProcessJob` and starts it; returns the record with its `id`.
    /// - Throws: `Problem` when the request is malformed.
    func accept(_ request: ProcessJob) throws -> ProcessJob {
        guard request.type == "ProcessJob" else { throw Problem.invalidField("/type", "must be \"ProcessJob\"") }
        guard ResourceLink(parsing: request.job, collection: "Job") != nil else {
            throw Problem.invalidField("/job", "must be the URL of a job")
        }
        for (name, url) in [("update", request.asyncEndpoint.update), ("success", request.asyncEndpoint.success),
            ("failure", request.asyncEndpoint.failure)]
        {
            guard url != nil else { throw Problem.invalidField("/asyncEndpoint/\(name)", "\(name) is required") }
            try JobProcessor.checkCallback(url, pointer: "/asyncEndpoint/\(name)")
        }
        let now = Timestamp.now()
        var record = request
        let id = UniqueID.make()
        record.id = "\(endpoint)/\(id)"
        record.context = contextURL(baseURL: baseURL)
        record.dateCreated = now
        record.dateModified = now
        let accepted = record
        let task = Task { await self.process(accepted, id: id) }
        running.withLock { if $0.endedEarly.remove(id) == nil { $0.tasks[id] = task } }
        return record
    }

    /// Stops a running `ProcessJob`; false when it is not running here.
    @discardableResult
    func cancel(id: String) -> Bool {
        guard let task = running.withLock({ $0.tasks[id] }) else { return false }
        task.cancel()
        return true
    }

    func run() async throws {
        try? await gracefulShutdown()
        for task in running.withLock({ Array($0.tasks.values) }) { task.cancel() }
    }

    private func process(_ record: ProcessJob, id: String) async {
        defer { running.withLock { if $0.tasks.removeValue(forKey: id) == nil { $0.endedEarly.insert(id) } } }
        let endpoints = record.asyncEndpoint
        let stop: @Sendable (JobStatus, [String: JSONValue]?, String?) async -> Void = { status, output, message in
            let report = JobReport.stop(
                job: record.job, processJob: record.id, status: status, output: output, message: message)
            await self.reporter.deliver(report, to: status == .completed ? endpoints.success! : endpoints.failure!)
        }
        do {
            guard let job = try await jobs(record.job) else {
                await stop(.failed, nil, "The job \(record.job) does not exist")
                return
            }
            guard let worker = workers[job.jobProfile.label] else {
                await stop(.failed, nil, "This service does not offer the profile \(job.jobProfile.label)")
                return
            }
            let update: @Sendable (Double?, String?) async -> Void = { progress, message in
                await self.reporter.deliver(
                    .update(job: record.job, processJob: record.id, progress: progress, message: message),
                    to: endpoints.update!)
            }
            await update(0, "Started")
            let context = WorkContext(jobID: ResourceLink(parsing: record.job, collection: "Job")!.id) { progress, message in
                await update(progress, message)
            }
            let output = try await withHeartbeat(every: heartbeat, beat: { await update(nil, nil) }) {
                try await worker.run(job, context: context)
            }
            await stop(.completed, output, "Completed")
        } catch is CancellationError {
            await stop(.canceled, nil, "Canceled")
        } catch {
            if Task.isCancelled {
                await stop(.canceled, nil, "Canceled")
            } else {
                await stop(.failed, nil, "\(error)")
            }
        }
    }
}

/// Runs `body`, calling `beat` every `interval` until it returns.
func withHeartbeat<T: Sendable>(
    every interval: Duration, beat: @escaping @Sendable () async -> Void, _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            while true {
                try await Task.sleep(for: interval)
                await beat()
            }
        }
        defer { group.cancelAll() }
        while let result = try await group.next() {
            if let result { return result }
        }
        throw CancellationError()
    }
}
