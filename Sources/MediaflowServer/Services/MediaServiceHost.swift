import Foundation
import Logging
import MediaflowModel
import ServiceLifecycle
import Synchronization

/// The built-in media services' side of the protocol: accepts `ProcessJob`, runs the profile's worker,
/// and reports to the processor with `UpdateJob` (progress, and a heartbeat that keeps the job's lease)
/// and `StopJob` (the end). A cancel stops the worker and the tools it runs. One timer beats for all the
/// jobs that run longer than `heartbeat`, so a short job costs no timer of its own. When the node shuts down,
/// its jobs' workers are stopped and waited for, but the jobs are not reported stopped: they go back to the
/// queue at once when the processor is in this process, else when their leases run out, and run again after
/// a restart or on another node.
final class MediaServiceHost: Service, Sendable {
    /// Where this host takes `ProcessJob`: `PUBLIC_URL/ProcessJob`.
    let endpoint: String
    let baseURL: String
    /// The `@context` of the `ProcessJob` records it keeps, made once.
    private let context: String
    let workers: [String: any JobWorker]
    let jobs: @Sendable (String) async throws -> Job?
    let reporter: ReportSender
    let heartbeat: Duration
    let logger: Logger
    /// The running `ProcessJob`s, the ids of those that ended before they were recorded, and whether the node
    /// is shutting down.
    private let running = Mutex<(jobs: [String: Running], endedEarly: Set<String>, stopping: Bool)>(([:], [], false))

    /// A `ProcessJob` under way: its task (true when it ended stopped by the shutdown, unfinished), and what its
    /// heartbeat says to whom.
    private struct Running {
        var task: Task<Bool, Never>
        var record: ProcessJob
        var started: ContinuousClock.Instant
    }

    init(
        baseURL: String, workers: [String: any JobWorker], jobs: @escaping @Sendable (String) async throws -> Job?,
        reporter: ReportSender, heartbeat: Duration, logger: Logger
    ) {
        self.baseURL = baseURL
        self.endpoint = "\(baseURL)/ProcessJob"
        context = contextURL(baseURL: baseURL)
        self.workers = workers
        self.jobs = jobs
        self.reporter = reporter
        self.heartbeat = heartbeat
        self.logger = logger
    }

    /// Takes a `ProcessJob` from a processor and starts it; returns the record with its `id`.
    /// - Throws: `Problem` when the request is malformed.
    func accept(_ request: ProcessJob) throws -> ProcessJob {
        guard request.type == "ProcessJob" else { throw Problem.invalidField("/type", "must be \"ProcessJob\"") }
        guard ResourceLink.isLink(request.job, collection: "Job") else {
            throw Problem.invalidField("/job", "must be the URL of a job")
        }
        for (name, url) in [("update", request.asyncEndpoint.update), ("success", request.asyncEndpoint.success),
            ("failure", request.asyncEndpoint.failure)]
        {
            guard url != nil else { throw Problem.invalidField("/asyncEndpoint/\(name)", "\(name) is required") }
            try JobProcessor.checkCallback(url, pointer: "/asyncEndpoint/\(name)")
        }
        return start(request)
    }

    /// Starts a `ProcessJob` that needs no checking, as this node's dispatcher makes it; returns the record
    /// with its `id`.
    @discardableResult
    func start(_ request: ProcessJob) -> ProcessJob {
        let now = Timestamp.now()
        var record = request
        let id = UniqueID.make()
        record.id = "\(endpoint)/\(id)"
        record.context = context
        record.dateCreated = now
        record.dateModified = now
        let accepted = record
        let task = Task { await self.process(accepted, id: id) }
        let started = ContinuousClock.now
        let stopping = running.withLock {
            if $0.endedEarly.remove(id) == nil { $0.jobs[id] = Running(task: task, record: accepted, started: started) }
            return $0.stopping
        }
        if stopping { task.cancel() }
        return record
    }

    /// Stops a running `ProcessJob`; false when it is not running here.
    @discardableResult
    func cancel(id: String) -> Bool {
        guard let task = running.withLock({ $0.jobs[id]?.task }) else { return false }
        task.cancel()
        return true
    }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while (try? await Task.sleep(for: self.heartbeat)) != nil { await self.beat() }
        }
        // Waited for, so that no tool outlives the process.
        let stopped = running.withLock { state in
            state.stopping = true
            return Array(state.jobs.values)
        }
        for job in stopped { job.task.cancel() }
        for job in stopped {
            if await job.task.value { await reporter.handBack(job.record) }
        }
    }

    private var isShuttingDown: Bool { running.withLock { $0.stopping } }

    /// Sends the heartbeat (an `UpdateJob` with no progress) of every job running longer than `heartbeat`.
    private func beat() async {
        let due = ContinuousClock.now - heartbeat
        let records = running.withLock { $0.jobs.values.filter { $0.started <= due }.map(\.record) }
        await withDiscardingTaskGroup { group in
            for record in records {
                group.addTask { await self.update(record, progress: nil, message: nil) }
            }
        }
    }

    /// Sends `UpdateJob` for `record`: progress, or a heartbeat when there is none.
    private func update(_ record: ProcessJob, progress: Double?, message: String?) async {
        await reporter.deliver(
            .update(job: record.job, processJob: record.id, progress: progress, message: message),
            to: record.asyncEndpoint.update!)
    }

    /// Runs the job's worker and reports its end; true when the shutdown stopped it unfinished, unreported.
    private func process(_ record: ProcessJob, id: String) async -> Bool {
        defer { running.withLock { if $0.jobs.removeValue(forKey: id) == nil { $0.endedEarly.insert(id) } } }
        let endpoints = record.asyncEndpoint
        let stop: @Sendable (JobStatus, JSONObject?, String?) async -> Void = { status, output, message in
            let report = JobReport.stop(
                job: record.job, processJob: record.id, status: status, output: output, message: message)
            await self.reporter.deliver(report, to: status == .completed ? endpoints.success! : endpoints.failure!)
        }
        do {
            guard let job = try await jobs(record.job) else {
                await stop(.failed, nil, "The job \(record.job) does not exist")
                return false
            }
            guard let worker = workers[job.jobProfile.label] else {
                await stop(.failed, nil, "This service does not offer the profile \(job.jobProfile.label)")
                return false
            }
            await update(record, progress: 0, message: "Started")
            let context = WorkContext(
                jobID: ResourceLink.id(in: record.job, collection: "Job") ?? id,
                progress: { progress, message in await self.update(record, progress: progress, message: message) },
                isShuttingDown: { self.isShuttingDown })
            let output = try await worker.run(job, context: context)
            await stop(.completed, output, "Completed")
        } catch {
            if error is CancellationError || Task.isCancelled {
                if isShuttingDown { return true }
                await stop(.canceled, nil, "Canceled")
            } else {
                await stop(.failed, nil, "\(error)")
            }
        }
        return false
    }
}
