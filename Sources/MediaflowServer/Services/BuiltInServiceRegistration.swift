import Foundation
import Logging
import MediaflowModel
import ServiceLifecycle

/// Registers the built-in services: before the server starts when the registry runs in this process
/// (`registerAll`), otherwise over HTTP as a background service, retrying until the registry answers; the node
/// is not ready for work until then (see `pending`).
struct BuiltInServiceRegistration: Service {
    let services: [MediaService]
    let registry: ServiceRegistry?
    let registryURL: String?
    let transport: HTTPTransport
    let logger: Logger
    /// Happens once every service is registered.
    let registered = OneTimeEvent()

    /// Why the node is not ready for work yet, while its services are not all registered; nil once they are.
    var pending: String? {
        registered.hasHappened ? nil : "Registering the built-in services with the registry at \(registryURL ?? "")"
    }

    func run() async throws {
        for service in services {
            var attempt = 0
            while !Task.isCancelled {
                do {
                    try await register(service)
                    break
                } catch {
                    attempt += 1
                    if attempt % 10 == 1 { logger.warning("Registering \(service.label) failed: \(error); retrying") }
                    try? await Task.sleep(for: .milliseconds(500))
                }
            }
        }
        if !Task.isCancelled { registered.happen() }
        try? await gracefulShutdown()
    }

    /// Registers every built-in service in the local registry.
    func registerAll() async throws {
        for service in services { try await register(service) }
        registered.happen()
    }

    private func register(_ service: MediaService) async throws {
        if let registry {
            var local = service
            local.context = contextURL(baseURL: registryURL ?? "")
            try await registry.upsert(local)
            return
        }
        guard let registryURL, let id = service.id?.split(separator: "/").last else { return }
        let reply = try await transport.send(.PUT, "\(registryURL)/Service/\(id)", service)
        if reply.status == 404 {
            let created = try await transport.send(.POST, "\(registryURL)/Service", service)
            guard created.isSuccess else { throw TransportError(url: registryURL, reason: "answered \(created.status)") }
        } else if !reply.isSuccess {
            throw TransportError(url: registryURL, reason: "answered \(reply.status)")
        }
    }
}
