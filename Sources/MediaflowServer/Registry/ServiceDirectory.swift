import Foundation
import MediaflowModel
import MediaflowStore
import Synchronization

/// What the other roles need of the service registry: the services and the job profiles.
protocol ServiceDirectory: Sendable {
    func services() async throws -> [MediaService]
    func profiles() async throws -> [JobProfile]
    /// Forgets anything cached, so that the next read sees the registry as it is now.
    func invalidate()
}

extension ServiceDirectory {
    func invalidate() {}

    /// True when a service runs jobs of `type` with `profile`, asking the registry afresh before saying no.
    func offers(_ type: JobType, profile: String) async throws -> Bool {
        if try await services().contains(where: { $0.offers(type, profile: profile) }) { return true }
        invalidate()
        return try await services().contains { $0.offers(type, profile: profile) }
    }

    /// The profile with this label, or nil.
    func profile(_ label: String) async throws -> JobProfile? {
        try await profiles().first { $0.label == label }
    }
}

/// The registry in this process: the store, read through a cache that every write here refreshes and
/// that, when other nodes share the store, is read again after `maxAge`.
final class ServiceRegistry: ServiceDirectory {
    let store: any RegistryStore
    let maxAge: Duration?
    private let cache = Mutex<(at: ContinuousClock.Instant, services: [MediaService], profiles: [JobProfile])?>(nil)

    init(store: any RegistryStore, maxAge: Duration?) {
        self.store = store
        self.maxAge = maxAge
    }

    func invalidate() { cache.withLock { $0 = nil } }

    func services() async throws -> [MediaService] { try await cached().services }
    func profiles() async throws -> [JobProfile] { try await cached().profiles }

    func upsert(_ service: MediaService) async throws {
        try await store.upsertService(service)
        try await reload()
    }

    func upsert(_ profile: JobProfile) async throws {
        try await store.upsertProfile(profile)
        try await reload()
    }

    func deleteService(id: String) async throws {
        try await store.deleteService(id: id)
        try await reload()
    }

    func deleteProfile(label: String) async throws {
        try await store.deleteProfile(label: label)
        try await reload()
    }

    private func cached() async throws -> (services: [MediaService], profiles: [JobProfile]) {
        if let value = cache.withLock({ $0 }), maxAge.map({ ContinuousClock.now - value.at < $0 }) ?? true {
            return (value.services, value.profiles)
        }
        return try await reload()
    }

    @discardableResult
    private func reload() async throws -> (services: [MediaService], profiles: [JobProfile]) {
        let services = try await store.services()
        let profiles = try await store.profiles()
        cache.withLock { $0 = (.now, services, profiles) }
        return (services, profiles)
    }
}

/// The registry in another process, read over HTTP and cached for a moment.
final class RemoteServiceDirectory: ServiceDirectory {
    let transport: HTTPTransport
    let registryURL: String
    private let cache = Mutex<(at: ContinuousClock.Instant, services: [MediaService], profiles: [JobProfile])?>(nil)

    init(transport: HTTPTransport, registryURL: String) {
        self.transport = transport
        self.registryURL = registryURL
    }

    func services() async throws -> [MediaService] { try await current().services }
    func profiles() async throws -> [JobProfile] { try await current().profiles }
    func invalidate() { cache.withLock { $0 = nil } }

    private func current() async throws -> (services: [MediaService], profiles: [JobProfile]) {
        let now = ContinuousClock.now
        if let value = cache.withLock({ $0 }), now - value.at < .seconds(2) { return (value.services, value.profiles) }
        let services = try await transport.get([MediaService].self, "\(registryURL)/Service") ?? []
        let profiles = try await transport.get([JobProfile].self, "\(registryURL)/JobProfile") ?? []
        cache.withLock { $0 = (now, services, profiles) }
        return (services, profiles)
    }
}
