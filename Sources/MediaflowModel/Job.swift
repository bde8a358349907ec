import Foundation

/// A unit of work for a media service, as the job repository stores and serves it.
///
/// Field names are the seed protocol's. `jobInput`, `jobOutput`, `progress`, `statusMessage`,
/// `priority` and `processJob` continue it where the seed stops.
public struct Job: Codable, Sendable, Equatable {
    public var context: String?
    public var id: String?
    public var type: JobType
    public var jobProfile: JobProfileReference
    public var hasRelatedResource: RelatedResource?
    public var jobInput: JSONObject?
    public var jobStatus: JobStatus?
    public var statusMessage: String?
    public var progress: Double?
    public var priority: JobPriority?
    public var startJob: String?
    public var processJob: String?
    public var jobOutput: JSONObject?
    public var dateCreated: Date?
    public var dateModified: Date?

    enum CodingKeys: String, CodingKey {
        case context = "@context"
        case id, type, jobProfile, hasRelatedResource, jobInput, jobStatus, statusMessage, progress, priority
        case startJob, processJob, jobOutput, dateCreated, dateModified
    }

    /// Makes a job description; the repository fills `id`, status and dates when it stores it.
    public init(
        type: JobType, profile: String, relatedResource: RelatedResource? = nil, jobInput: JSONObject? = nil
    ) {
        self.type = type
        self.jobProfile = JobProfileReference(label: profile)
        self.hasRelatedResource = relatedResource
        self.jobInput = jobInput
    }

    /// The status, `NEW` when none was stored yet.
    public var status: JobStatus { jobStatus ?? .new }

    /// The value of a named input: a member of `jobInput`, or `hasRelatedResource` for the seed's essence input.
    public func input(named name: String) -> JSONValue? {
        if name == "hasRelatedResource", let resource = hasRelatedResource {
            return .object(["type": .string(resource.type), "locator": .string(resource.locator)])
        }
        return jobInput?[name]
    }
}

/// The `jobProfile` member of a job: a reference by label.
public struct JobProfileReference: Codable, Sendable, Equatable {
    public var label: String
    public var type: String

    /// A reference to the profile with this label.
    public init(label: String) {
        self.label = label
        self.type = "JobProfile"
    }
}

/// The `hasRelatedResource` member of a job: the essence the job works on.
public struct RelatedResource: Codable, Sendable, Equatable {
    public var type: String
    public var locator: String

    /// An essence of the given type at a locator (`file://`, `http://`, `https://`).
    public init(type: String = "BMEssence", locator: String) {
        self.type = type
        self.locator = locator
    }
}

extension Job: JSONWritable {
    public func writeMembers(to object: inout JSONObjectWriter) {
        object.member("@context", context)
        object.member("dateCreated", dateCreated)
        object.member("dateModified", dateModified)
        object.member("hasRelatedResource", hasRelatedResource)
        object.member("id", id)
        object.member("jobInput", jobInput)
        object.member("jobOutput", jobOutput)
        object.member("jobProfile", jobProfile)
        object.member("jobStatus", jobStatus)
        object.member("priority", priority)
        object.member("processJob", processJob)
        object.member("progress", progress)
        object.member("startJob", startJob)
        object.member("statusMessage", statusMessage)
        object.member("type", type)
    }
}

extension JobProfileReference: JSONWritable {
    public func writeMembers(to object: inout JSONObjectWriter) {
        object.member("label", label)
        object.member("type", type)
    }
}

extension RelatedResource: JSONWritable {
    public func writeMembers(to object: inout JSONObjectWriter) {
        object.member("locator", locator)
        object.member("type", type)
    }
}

extension Job: JSONReadable {
    public init(reading object: JSONObjectReader) throws(JSONObjectReader.Mismatch) {
        context = try object.optional("@context")
        id = try object.optional("id")
        type = try object.required("type")
        jobProfile = try object.required("jobProfile")
        hasRelatedResource = try object.optional("hasRelatedResource")
        jobInput = try object.optional("jobInput")
        jobStatus = try object.optional("jobStatus")
        statusMessage = try object.optional("statusMessage")
        progress = try object.optional("progress")
        priority = try object.optional("priority")
        startJob = try object.optional("startJob")
        processJob = try object.optional("processJob")
        jobOutput = try object.optional("jobOutput")
        dateCreated = try object.optional("dateCreated")
        dateModified = try object.optional("dateModified")
    }
}

extension JobProfileReference: JSONReadable {
    public init(reading object: JSONObjectReader) throws(JSONObjectReader.Mismatch) {
        label = try object.required("label")
        type = try object.required("type")
    }
}

extension RelatedResource: JSONReadable {
    public init(reading object: JSONObjectReader) throws(JSONObjectReader.Mismatch) {
        type = try object.required("type")
        locator = try object.required("locator")
    }
}
