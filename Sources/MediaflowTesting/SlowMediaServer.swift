import Foundation
import Hummingbird
import Logging
import MediaflowServer
import ServiceLifecycle

/// Runs `body` with an HTTP server on loopback that serves `file` at `/media/{delaySeconds}/{name}`,
/// after waiting `delaySeconds`: an input that keeps a job running for as long as a test needs.
public func withSlowMediaServer<T: Sendable>(
    serving file: URL, _ body: @Sendable (_ baseURL: String) async throws -> T
) async throws -> T {
    let port = try FreePort.pick()
    let router = Router()
    router.get("/media/:delay/:name") { _, context in
        let delay = Double(context.parameters.get("delay") ?? "0") ?? 0
        // A client that gave up does not end the wait, so it ends when the server shuts down: a graceful
        // shutdown would otherwise wait out the whole delay.
        try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(delay)) }
        let data = try Data(contentsOf: file)
        return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
    let app = Application(
        router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)), logger: quietLogger)
    let url = "http://127.0.0.1:\(port)"
    return try await whileRunning([app]) {
        try await waitForPort(url)
        return try await body(url)
    }
}
