import Foundation

/// The request to run a job (`POST /StartJob`), and the record the repository keeps of it.
public struct StartJob: Codable, Sendable, Equatable {
    public var context: String?
    public var id: String?
    public var type: String
    public var job: String
    public var priority: JobPriority?
    public var asyncEndpoint: AsyncEndpoint?
    /// A delayed start: the job waits in the queue, `QUEUED`, until this time (Mediaflow's, beyond the seed).
    public var notBefore: Date?
    /// The most the job may take from its start (`notBefore`, if later) to its end; past it, the job fails
    /// as timed out and its service is told to stop (Mediaflow's, beyond the seed).
    public var timeoutSeconds: Double?
    public var dateCreated: Date?
    public var dateModified: Date?

    enum CodingKeys: String, CodingKey {
        case context = "@context"
        case id, type, job, priority, asyncEndpoint, notBefore, timeoutSeconds, dateCreated, dateModified
    }

    /// A start request for the job at `job`, at once or not before `notBefore`, to end within `timeoutSeconds`.
    public init(
        job: String, priority: JobPriority = .medium, asyncEndpoint: AsyncEndpoint? = nil, notBefore: Date? = nil,
        timeoutSeconds: Double? = nil
    ) {
        self.type = "StartJob"
        self.job = job
        self.priority = priority
        self.asyncEndpoint = asyncEndpoint
        self.notBefore = notBefore
        self.timeoutSeconds = timeoutSeconds
    }
}

/// Where a caller wants to hear of a job's end, and, for a service, where to report progress.
public struct AsyncEndpoint: Codable, Sendable, Equatable {
    public var update: String?
    public var success: String?
    public var failure: String?

    /// Endpoints for progress, success and failure; any may be absent.
    public init(update: String? = nil, success: String? = nil, failure: String? = nil) {
        self.update = update
        self.success = success
        self.failure = failure
    }
}

/// The job processor's request to a service (`POST /ProcessJob`), and the service's record of it.
public struct ProcessJob: Codable, Sendable, Equatable {
    public var context: String?
    public var id: String?
    public var type: String
    public var job: String
    public var asyncEndpoint: AsyncEndpoint
    public var dateCreated: Date?
    public var dateModified: Date?

    enum CodingKeys: String, CodingKey {
        case context = "@context"
        case id, type, job, asyncEndpoint, dateCreated, dateModified
    }

    /// A request to process the job at `job`, reporting to `asyncEndpoint`.
    public init(job: String, asyncEndpoint: AsyncEndpoint) {
        self.type = "ProcessJob"
        self.job = job
        self.asyncEndpoint = asyncEndpoint
    }
}

/// A service's report on a job it runs: progress (`POST /UpdateJob`) or the end (`POST /StopJob`).
public struct JobReport: Codable, Sendable, Equatable {
    public var context: String?
    public var type: String
    public var job: String
    public var processJob: String?
    public var jobStatus: JobStatus
    public var progress: Double?
    public var statusMessage: String?
    public var jobOutput: JSONObject?

    enum CodingKeys: String, CodingKey {
        case context = "@context"
        case type, job, processJob, jobStatus, progress, statusMessage, jobOutput
    }

    /// A progress report: the job runs, `progress` percent done.
    public static func update(job: String, processJob: String?, progress: Double?, message: String? = nil) -> JobReport {
        JobReport(
            type: "UpdateJob", job: job, processJob: processJob, jobStatus: .running, progress: progress,
            statusMessage: message)
    }

    /// A final report: completed with output, failed with a reason, or canceled.
    public static func stop(
        job: String, processJob: String?, status: JobStatus, output: JSONObject? = nil, message: String? = nil
    ) -> JobReport {
        JobReport(
            type: "StopJob", job: job, processJob: processJob, jobStatus: status,
            progress: status == .completed ? 100 : nil, statusMessage: message, jobOutput: output)
    }

    /// A hand-back: the service stopped the job unfinished as its node shut down, and gives it back to be
    /// queued again at once rather than when its lease runs out (an `UpdateJob` with `jobStatus` QUEUED).
    public static func handBack(job: String, processJob: String) -> JobReport {
        JobReport(
            type: "UpdateJob", job: job, processJob: processJob, jobStatus: .queued, progress: nil,
            statusMessage: "Service shut down; queued again")
    }

    /// Makes a report from all its fields.
    public init(
        type: String, job: String, processJob: String?, jobStatus: JobStatus, progress: Double?,
        statusMessage: String?, jobOutput: JSONObject? = nil
    ) {
        self.type = type
        self.job = job
        self.processJob = processJob
        self.jobStatus = jobStatus
        self.progress = progress
        self.statusMessage = statusMessage
        self.jobOutput = jobOutput
    }
}

extension StartJob: JSONWritable {
    public func writeMembers(to object: inout JSONObjectWriter) {
        object.member("@context", context)
        object.member("asyncEndpoint", asyncEndpoint)
        object.member("dateCreated", dateCreated)
        object.member("dateModified", dateModified)
        object.member("id", id)
        object.member("job", job)
        object.member("notBefore", notBefore)
        object.member("priority", priority)
        object.member("timeoutSeconds", timeoutSeconds)
        object.member("type", type)
    }
}

extension AsyncEndpoint: JSONWritable {
    public func writeMembers(to object: inout JSONObjectWriter) {
        object.member("failure", failure)
        object.member("success", success)
        object.member("update", update)
    }
}

extension ProcessJob: JSONWritable {
    public func writeMembers(to object: inout JSONObjectWriter) {
        object.member("@context", context)
        object.member("asyncEndpoint", asyncEndpoint)
        object.member("dateCreated", dateCreated)
        object.member("dateModified", dateModified)
        object.member("id", id)
        object.member("job", job)
        object.member("type", type)
    }
}

extension JobReport: JSONWritable {
    public func writeMembers(to object: inout JSONObjectWriter) {
        object.member("@context", context)
        object.member("job", job)
        object.member("jobOutput", jobOutput)
        object.member("jobStatus", jobStatus)
        object.member("processJob", processJob)
        object.member("progress", progress)
        object.member("statusMessage", statusMessage)
        object.member("type", type)
    }
}

extension StartJob: JSONReadable {
    public init(reading object: JSONObjectReader) throws(JSONObjectReader.Mismatch) {
        context = try object.optional("@context")
        id = try object.optional("id")
        type = try object.required("type")
        job = try object.required("job")
        priority = try object.optional("priority")
        asyncEndpoint = try object.optional("asyncEndpoint")
        notBefore = try object.optional("notBefore")
        timeoutSeconds = try object.optional("timeoutSeconds")
        dateCreated = try object.optional("dateCreated")
        dateModified = try object.optional("dateModified")
    }
}

extension AsyncEndpoint: JSONReadable {
    public init(reading object: JSONObjectReader) throws(JSONObjectReader.Mismatch) {
        update = try object.optional("update")
        success = try object.optional("success")
        failure = try object.optional("failure")
    }
}
