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
    /// A refused connection fails at once: the dispatcher tries the job again, and rests the service.
    /// - Returns: the service's record of it, with its `id`.
    /// - Throws: `ProcessJobRefused` when the service answers 4xx; `TransportError` when it is unreachable or
    ///   answers otherwise.
    func send(_ processJob: ProcessJob, to endpoint: String) async throws -> ProcessJob {
        var transport = transport
        transport.waitsForListener = false
        let reply = try await transport.send(.POST, endpoint, processJob)
        if (400..<500).contains(reply.status) { throw ProcessJobRefused(endpoint: endpoint, status: reply.status) }
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

/// A service that is up refused a `ProcessJob` (a 4xx): the job, not the service, is at fault.
struct ProcessJobRefused: Error, CustomStringConvertible {
    var endpoint: String
    var status: Int

    var description: String { "\(endpoint): ProcessJob answered \(status)" }
}
