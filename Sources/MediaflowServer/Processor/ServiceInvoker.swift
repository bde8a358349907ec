import Foundation
import Logging
import MediaflowModel

/// Sends `ProcessJob` to a service in another process, and forwards cancels: in-process to a built-in
/// service of this process, over HTTP to any other. (The dispatcher hands a job to a built-in service of this
/// process itself: `MediaServiceHost.accept`.)
struct ServiceInvoker: Sendable {
    let transport: HTTPTransport
    let localHost: MediaServiceHost?
    let logger: Logger

    /// Hands `processJob` to the service at `endpoint` in another process (seed messages 11–12); a built-in
    /// service of this process takes it from `localHost.accept`.
    /// - Returns: the service's record of it, with its `id`.
    /// - Throws: `TransportError` when the service is unreachable or refuses.
    func send(_ processJob: ProcessJob, to endpoint: String) async throws -> ProcessJob {
        let reply = try await transport.send(.POST, endpoint, processJob)
        guard reply.status == 201 || reply.status == 200 else {
            throw TransportError(url: endpoint, reason: "ProcessJob answered \(reply.status)")
        }
        return try reply.decode(ProcessJob.self)
    }

    /// True when the service at `endpoint` is a built-in service of this process.
    func runsLocally(_ endpoint: String) -> Bool { localHost?.endpoint == endpoint }

    /// Asks the service running `processJobURL` to stop; failures are logged, not thrown.
    func cancel(_ processJobURL: String) async {
        if let localHost, processJobURL.hasPrefix(localHost.endpoint + "/") {
            localHost.cancel(id: String(processJobURL.dropFirst(localHost.endpoint.count + 1)))
            return
        }
        do {
            let reply = try await transport.send(.DELETE, processJobURL)
            if !reply.isSuccess { logger.warning("Cancel of \(processJobURL) answered \(reply.status)") }
        } catch {
            logger.warning("Cancel of \(processJobURL) failed: \(error)")
        }
    }
}
