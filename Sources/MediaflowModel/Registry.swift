import Foundation

/// A named kind of work with the parameters it takes and gives, such as `ExtractTechnicalMetadata`.
public struct JobProfile: Codable, Sendable, Equatable {
    public var context: String?
    public var id: String?
    public var type: String
    public var label: String
    /// The job type this profile belongs to; nil when any job type may use it.
    public var jobType: JobType?
    public var inputParameters: [JobParameter]
    public var optionalInputParameters: [JobParameter]?
    public var outputParameters: [JobParameter]?
    public var dateCreated: Date?
    public var dateModified: Date?

    enum CodingKeys: String, CodingKey {
        case context = "@context"
        case id, type, label, jobType, inputParameters, optionalInputParameters, outputParameters
        case dateCreated, dateModified
    }

    /// A profile with its required, optional and output parameters.
    public init(
        label: String, jobType: JobType?, inputParameters: [JobParameter],
        optionalInputParameters: [JobParameter]? = nil, outputParameters: [JobParameter]? = nil
    ) {
        self.type = "JobProfile"
        self.label = label
        self.jobType = jobType
        self.inputParameters = inputParameters
        self.optionalInputParameters = optionalInputParameters
        self.outputParameters = outputParameters
    }
}

/// One parameter of a job profile.
public struct JobParameter: Codable, Sendable, Equatable {
    public var parameterName: String
    public var parameterType: String?

    /// A parameter with an optional type name.
    public init(_ name: String, type: String? = nil) {
        self.parameterName = name
        self.parameterType = type
    }
}

/// A media service that can run jobs: its job type, the profiles it offers, where to send `ProcessJob`, and how
/// many jobs it takes at once.
public struct MediaService: Codable, Sendable, Equatable {
    public var context: String?
    public var id: String?
    public var type: String
    public var label: String
    public var jobType: JobType
    public var jobProfiles: [String]
    public var processJobEndpoint: String
    /// Jobs it runs at once.
    public var capacity: Int
    /// Preferred over services of lower priority when both have room.
    public var priority: Int
    /// True for a Mediaflow node's own service, which only that node's processor dispatches to when it
    /// has one of its own.
    public var builtIn: Bool?
    public var dateCreated: Date?
    public var dateModified: Date?

    enum CodingKeys: String, CodingKey {
        case context = "@context"
        case id, type, label, jobType, jobProfiles, processJobEndpoint, capacity, priority, builtIn, dateCreated
        case dateModified
    }

    /// A service description.
    public init(
        label: String, jobType: JobType, jobProfiles: [String], processJobEndpoint: String, capacity: Int = 4,
        priority: Int = 0
    ) {
        self.type = "Service"
        self.label = label
        self.jobType = jobType
        self.jobProfiles = jobProfiles
        self.processJobEndpoint = processJobEndpoint
        self.capacity = capacity
        self.priority = priority
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        context = try container.decodeIfPresent(String.self, forKey: .context)
        id = try container.decodeIfPresent(String.self, forKey: .id)
        type = try container.decodeIfPresent(String.self, forKey: .type) ?? "Service"
        label = try container.decode(String.self, forKey: .label)
        jobType = try container.decode(JobType.self, forKey: .jobType)
        jobProfiles = try container.decode([String].self, forKey: .jobProfiles)
        processJobEndpoint = try container.decode(String.self, forKey: .processJobEndpoint)
        capacity = try container.decodeIfPresent(Int.self, forKey: .capacity) ?? 4
        priority = try container.decodeIfPresent(Int.self, forKey: .priority) ?? 0
        builtIn = try container.decodeIfPresent(Bool.self, forKey: .builtIn)
        dateCreated = try container.decodeIfPresent(Date.self, forKey: .dateCreated)
        dateModified = try container.decodeIfPresent(Date.self, forKey: .dateModified)
    }

    /// True when this service runs jobs of `type` with the profile `profile`.
    public func offers(_ type: JobType, profile: String) -> Bool {
        jobType == type && jobProfiles.contains(profile)
    }
}
