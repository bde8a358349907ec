import MediaflowModel

/// The job profiles and services that ship with Mediaflow; they register themselves at start-up.
enum BuiltInCatalogue {
    static let extractTechnicalMetadata = JobProfile(
        label: "ExtractTechnicalMetadata", jobType: .ameJob,
        inputParameters: [JobParameter("hasRelatedResource", type: "BMEssence")],
        outputParameters: [
            JobParameter("technicalMetadata", type: "TechnicalMetadata"), JobParameter("ebucore", type: "BMEssence"),
        ])

    /// Does nothing: for measuring the platform itself.
    static let noOp = JobProfile(label: "NoOp", jobType: nil, inputParameters: [])

    static let profiles = [extractTechnicalMetadata, noOp]

    /// The built-in services of the process at `baseURL`, with fixed ids so a restart updates them in place.
    static func services(baseURL: String, capacity: Int) -> [MediaService] {
        var ame = MediaService(
            label: "Mediaflow AME service", jobType: .ameJob, jobProfiles: [extractTechnicalMetadata.label],
            processJobEndpoint: "\(baseURL)/ProcessJob", capacity: capacity)
        ame.id = ResourceLink(baseURL: baseURL, collection: "Service", id: "00000000-0000-4000-8000-00000000a0e1").url
        var noOp = MediaService(
            label: "Mediaflow no-op service", jobType: .ameJob, jobProfiles: [noOp.label],
            processJobEndpoint: "\(baseURL)/ProcessJob", capacity: 256)
        noOp.id = ResourceLink(baseURL: baseURL, collection: "Service", id: "00000000-0000-4000-8000-0000000000a0").url
        return [ame, noOp]
    }
}
