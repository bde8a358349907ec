import MediaflowModel

/// The job profiles and services that ship with Mediaflow; they register themselves at start-up.
enum BuiltInCatalogue {
    static let extractTechnicalMetadata = JobProfile(
        label: "ExtractTechnicalMetadata", jobType: .ameJob,
        inputParameters: [JobParameter("hasRelatedResource", type: "BMEssence")],
        outputParameters: [
            JobParameter("technicalMetadata", type: "TechnicalMetadata"), JobParameter("ebucore", type: "BMEssence"),
            JobParameter("ffprobe", type: "BMEssence"),
        ])

    /// Does nothing: for measuring the platform itself.
    static let noOp = JobProfile(label: "NoOp", jobType: nil, inputParameters: [])

    /// Runs a state machine (see `StateMachineWorker`).
    static let runStateMachine = JobProfile(
        label: "RunStateMachine", jobType: .workflowJob,
        inputParameters: [JobParameter("stateMachine", type: "string")], optionalInputParameters: [JobParameter("input")],
        outputParameters: [JobParameter("executionArn", type: "string"), JobParameter("output")])

    static let profiles = [extractTechnicalMetadata, noOp, runStateMachine]

    /// The built-in services of the process at `baseURL`, with ids derived from it, so that a restart
    /// updates them in place and every node of a cluster has its own; the workflow service where this
    /// process also runs the workflow engine.
    static func services(baseURL: String, capacity: Int, workflows: Bool) -> [MediaService] {
        let endpoint = "\(baseURL)/ProcessJob"
        func builtIn(_ label: String, profile: JobProfile, capacity: Int) -> MediaService {
            var service = MediaService(
                label: label, jobType: profile.jobType ?? .ameJob, jobProfiles: [profile.label], processJobEndpoint: endpoint,
                capacity: capacity)
            service.id = ResourceLink(
                baseURL: baseURL, collection: "Service", id: StableUUID.make(from: "\(endpoint) \(label)")
            ).url
            service.builtIn = true
            return service
        }
        let media = [
            builtIn("Mediaflow AME service", profile: extractTechnicalMetadata, capacity: capacity),
            builtIn("Mediaflow no-op service", profile: noOp, capacity: 256),
        ]
        return workflows ? media + [builtIn("Mediaflow workflow service", profile: runStateMachine, capacity: 256)] : media
    }
}

/// A UUID that is always the same for the same text (two FNV-1a hashes, formatted as a version 8 UUID).
enum StableUUID {
    static func make(from text: String) -> String {
        func fnv(_ seed: UInt64) -> UInt64 {
            text.utf8.reduce(seed) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
        }
        var bytes = withUnsafeBytes(of: fnv(0xcbf2_9ce4_8422_2325).bigEndian, Array.init)
            + withUnsafeBytes(of: fnv(0x8422_2325_cbf2_9ce4).bigEndian, Array.init)
        bytes[6] = (bytes[6] & 0x0f) | 0x80
        bytes[8] = (bytes[8] & 0x3f) | 0x80
        let hex = bytes.map { String($0, radix: 16).leftPadded() }.joined()
        let parts = [hex.prefix(8), hex.dropFirst(8).prefix(4), hex.dropFirst(12).prefix(4), hex.dropFirst(16).prefix(4), hex.dropFirst(20)]
        return parts.joined(separator: "-")
    }
}

extension String {
    fileprivate func leftPadded() -> String { count == 1 ? "0" + self : self }
}
