import MediaflowModel

/// The job profiles and services that ship with Mediaflow; they register themselves at start-up.
enum BuiltInCatalogue {
    /// The essence a media profile works on: the job's `hasRelatedResource`.
    private static let media = JobParameter("hasRelatedResource", type: "BMEssence")

    static let extractTechnicalMetadata = JobProfile(
        label: "ExtractTechnicalMetadata", jobType: .ameJob, inputParameters: [media],
        outputParameters: [
            JobParameter("technicalMetadata", type: "TechnicalMetadata"), JobParameter("ebucore", type: "BMEssence"),
            JobParameter("ffprobe", type: "BMEssence"),
        ])

    /// An H.264/AAC MP4 to view the media by (see `ProxyWorker`).
    static let createProxy = JobProfile(
        label: "CreateProxy", jobType: .transformJob, inputParameters: [media],
        optionalInputParameters: [JobParameter("width", type: "number")], outputParameters: [JobParameter("proxy", type: "BMEssence")])

    /// A JPEG of one frame (see `ThumbnailWorker`).
    static let createThumbnail = JobProfile(
        label: "CreateThumbnail", jobType: .transformJob, inputParameters: [media],
        optionalInputParameters: [JobParameter("atSeconds", type: "number"), JobParameter("width", type: "number")],
        outputParameters: [JobParameter("thumbnail", type: "BMEssence"), JobParameter("atSeconds", type: "number")])

    /// A file for delivery or editing, by a named preset (see `TranscodeWorker`).
    static let transcode = JobProfile(
        label: "Transcode", jobType: .transformJob, inputParameters: [media, JobParameter("preset", type: "string")],
        outputParameters: [JobParameter("transcoded", type: "BMEssence")])

    /// The first audio stream as a file of its own (see `AudioWorker`).
    static let extractAudio = JobProfile(
        label: "ExtractAudio", jobType: .transformJob, inputParameters: [media],
        optionalInputParameters: [JobParameter("format", type: "string")], outputParameters: [JobParameter("audio", type: "BMEssence")])

    /// EBU R128 loudness and whether it meets a target (see `LoudnessWorker`).
    static let measureLoudness = JobProfile(
        label: "MeasureLoudness", jobType: .qaJob, inputParameters: [media],
        optionalInputParameters: ["targetLUFS", "toleranceLU", "maxTruePeakDBTP"].map { JobParameter($0, type: "number") },
        outputParameters: [
            JobParameter("loudness", type: "Loudness"), JobParameter("passed", type: "boolean"), JobParameter("findings", type: "array"),
        ])

    /// The black and silent stretches of the media (see `BlackAndSilenceWorker`).
    static let detectBlackAndSilence = JobProfile(
        label: "DetectBlackAndSilence", jobType: .qaJob, inputParameters: [media],
        optionalInputParameters: BlackAndSilenceWorker.settings.map { JobParameter($0.input, type: "number") },
        outputParameters: [
            JobParameter("blackSegments", type: "array"), JobParameter("silentSegments", type: "array"),
            JobParameter("passed", type: "boolean"), JobParameter("findings", type: "array"),
        ])

    /// Does nothing: for measuring the platform itself.
    static let noOp = JobProfile(label: "NoOp", jobType: nil, inputParameters: [])

    /// Runs a state machine (see `StateMachineWorker`).
    static let runStateMachine = JobProfile(
        label: "RunStateMachine", jobType: .workflowJob,
        inputParameters: [JobParameter("stateMachine", type: "string")], optionalInputParameters: [JobParameter("input")],
        outputParameters: [JobParameter("executionArn", type: "string"), JobParameter("output")])

    static let profiles = [
        extractTechnicalMetadata, createProxy, createThumbnail, transcode, extractAudio, measureLoudness, detectBlackAndSilence,
        noOp, runStateMachine,
    ]

    /// The built-in services of the process at `baseURL`, with ids derived from it, so that a restart
    /// updates them in place and every node of a cluster has its own; the workflow service where this
    /// process also runs the workflow engine.
    static func services(baseURL: String, capacity: Int, workflows: Bool) -> [MediaService] {
        let endpoint = "\(baseURL)/ProcessJob"
        func builtIn(_ label: String, profiles: JobProfile..., capacity: Int) -> MediaService {
            var service = MediaService(
                label: label, jobType: profiles[0].jobType ?? .ameJob, jobProfiles: profiles.map(\.label), processJobEndpoint: endpoint,
                capacity: capacity)
            service.id = ResourceLink(
                baseURL: baseURL, collection: "Service", id: StableUUID.make(from: "\(endpoint) \(label)")
            ).url
            service.builtIn = true
            return service
        }
        let media = [
            builtIn("Mediaflow AME service", profiles: extractTechnicalMetadata, capacity: capacity),
            builtIn("Mediaflow transform service", profiles: createProxy, createThumbnail, transcode, extractAudio, capacity: capacity),
            builtIn("Mediaflow QA service", profiles: measureLoudness, detectBlackAndSilence, capacity: capacity),
            builtIn("Mediaflow no-op service", profiles: noOp, capacity: 256),
        ]
        return workflows ? media + [builtIn("Mediaflow workflow service", profiles: runStateMachine, capacity: 256)] : media
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
