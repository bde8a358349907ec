import Foundation
import Hummingbird
import MediaflowModel

/// The service registry's routes: `/Service` and `/JobProfile`.
struct ServiceRegistryController<Context: RequestContext>: Sendable {
    let registry: ServiceRegistry
    let baseURL: String
    let maxBodyBytes: Int

    func addRoutes(to router: Router<Context>) {
        router.get("/Service") { _, _ in try ProtocolIO.response(try await registry.services()) }
        router.post("/Service") { request, _ in try await saveService(request, id: nil) }
        router.get("/Service/:id") { _, context in
            let id = try context.parameters.require("id")
            guard let service = try await registry.services().first(where: { $0.id?.hasSuffix("/" + id) == true }) else {
                throw Problem.notFound("No service \(id)")
            }
            return try ProtocolIO.response(service)
        }
        router.put("/Service/:id") { request, context in
            try await saveService(request, id: try context.parameters.require("id"))
        }
        router.delete("/Service/:id") { _, context in
            try await storeCall { try await registry.deleteService(id: try context.parameters.require("id")) }
            return Response(status: .noContent)
        }
        router.get("/JobProfile") { _, _ in try ProtocolIO.response(try await registry.profiles()) }
        router.post("/JobProfile") { request, _ in try await saveProfile(request, label: nil) }
        router.get("/JobProfile/:label") { _, context in
            let label = try context.parameters.require("label")
            guard let profile = try await registry.profile(label) else { throw Problem.notFound("No job profile \(label)") }
            return try ProtocolIO.response(profile)
        }
        router.put("/JobProfile/:label") { request, context in
            try await saveProfile(request, label: try context.parameters.require("label"))
        }
        router.delete("/JobProfile/:label") { _, context in
            try await storeCall { try await registry.deleteProfile(label: try context.parameters.require("label")) }
            return Response(status: .noContent)
        }
    }

    private func saveService(_ request: Request, id: String?) async throws -> Response {
        var service = try await ProtocolIO.decode(MediaService.self, from: request, limit: maxBodyBytes)
        guard !service.label.isEmpty else { throw Problem.invalidField("/label", "must not be empty") }
        guard !service.jobProfiles.isEmpty else { throw Problem.invalidField("/jobProfiles", "must name a profile") }
        let known = Set(try await registry.profiles().map(\.label))
        for (index, label) in service.jobProfiles.enumerated() where !known.contains(label) {
            throw Problem.invalidField("/jobProfiles/\(index)", "unknown job profile '\(label)'")
        }
        try JobProcessor.checkCallback(service.processJobEndpoint, pointer: "/processJobEndpoint")
        guard service.capacity >= 1 else { throw Problem.invalidField("/capacity", "must be at least 1") }
        let now = Timestamp.now()
        let existing = try await registry.services().first { $0.id?.hasSuffix("/" + (id ?? "-")) == true }
        if id != nil, existing == nil { throw Problem.notFound("No service \(id!)") }
        let link = id.map { ResourceLink(baseURL: baseURL, collection: "Service", id: $0) }
            ?? .new(baseURL: baseURL, collection: "Service")
        service.context = contextURL(baseURL: baseURL)
        service.id = link.url
        service.dateCreated = existing?.dateCreated ?? now
        service.dateModified = now
        try await storeCall { try await registry.upsert(service) }
        return try ProtocolIO.response(service, status: id == nil ? .created : .ok, location: link.path)
    }

    private func saveProfile(_ request: Request, label: String?) async throws -> Response {
        var profile = try await ProtocolIO.decode(JobProfile.self, from: request, limit: maxBodyBytes)
        guard !profile.label.isEmpty else { throw Problem.invalidField("/label", "must not be empty") }
        if let label, label != profile.label { throw Problem.invalidField("/label", "must match the URL, \(label)") }
        let existing = try await registry.profile(profile.label)
        if label == nil, existing != nil { throw Problem.conflict("Job profile \(profile.label) exists", pointer: "/label") }
        let now = Timestamp.now()
        profile.context = contextURL(baseURL: baseURL)
        profile.id = "\(baseURL)/JobProfile/\(profile.label)"
        profile.dateCreated = existing?.dateCreated ?? now
        profile.dateModified = now
        try await storeCall { try await registry.upsert(profile) }
        return try ProtocolIO.response(profile, status: label == nil ? .created : .ok, location: "/JobProfile/\(profile.label)")
    }
}
