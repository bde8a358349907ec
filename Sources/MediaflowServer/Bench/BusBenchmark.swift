import AsyncHTTPClient
import Foundation
import Logging
import MediaflowModel
import NIOCore
import ServiceLifecycle

/// Round trips through the bus gateway to a service connected over WebSocket, from callers over
/// WebSocket and over `POST /bus`: a server on a scratch SQLite file, an echo-like
/// service (the calculator's `add`), and the callers, all in this process.
public struct BusBenchmark: Sendable {
    public let calls: Int
    public let connections: Int
    public let inFlightPerConnection: Int

    public init(calls: Int, connections: Int, inFlightPerConnection: Int) {
        self.calls = calls
        self.connections = connections
        self.inFlightPerConnection = inFlightPerConnection
    }

    public struct Result: Sendable {
        public let transport: String
        public let calls: Int
        public let seconds: Double
        let latencies: [Double]

        public var roundTripsPerSecond: Double { Double(calls) / seconds }
        /// Latency at quantile `q`, in milliseconds.
        public func latency(_ q: Double) -> Double { latencies[min(latencies.count - 1, Int(Double(latencies.count) * q))] * 1000 }
    }

    public func run() async throws -> [Result] {
        let logger = Logger.server(label: "bench", level: .warning)
        var configuration = ServerConfiguration()
        configuration.port = try FreePort.pick()
        configuration.dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("mediaflow-bench-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: configuration.dataDirectory) }
        let server = try await buildApplication(configuration, logger: logger)
        let socketURL = "ws://127.0.0.1:\(configuration.port)/bus/ws"
        let httpClient = HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: .mediaflow(connectionsPerHost: connections * inFlightPerConnection))
        return try await whileServing([server], logger: logger) { [configuration] in
            let service = try await Self.connect(socketURL)
            try await service.register(Calculator.description) { try Calculator.answer($0) }
            var opened: [BusSocket] = []
            for _ in 0..<connections { opened.append(try await BusSocket.connect(socketURL)) }
            let sockets = opened
            let request = BusRequest(address: Calculator.description.address, op: "add", paramSet: ["num1": 5, "num2": 3])
            let body = request.text
            let url = configuration.baseURL + "/bus"
            let viaSocket: @Sendable (Int) async throws -> Void = { index in
                let response = try await sockets[index % sockets.count].call(request)
                guard response.errorSet.isEmpty else { throw BusFault.badReply("\(response.errorSet)") }
            }
            let viaHTTP: @Sendable (Int) async throws -> Void = { _ in
                var post = HTTPClientRequest(url: url)
                post.method = .POST
                post.body = .bytes(ByteBuffer(string: body))
                let response = try await httpClient.execute(post, timeout: .seconds(10))
                _ = try await response.body.collect(upTo: 1 << 20)
                guard response.status == .ok else { throw BusFault.badReply("HTTP \(response.status.code)") }
            }
            _ = try await drive(calls / 10, viaSocket, transport: "WebSocket")
            let socketResult = try await drive(calls, viaSocket, transport: "WebSocket")
            _ = try await drive(calls / 10, viaHTTP, transport: "HTTP")
            let httpResult = try await drive(calls, viaHTTP, transport: "HTTP")
            for socket in sockets { await socket.close() }
            await service.close()
            try await httpClient.shutdown()
            return [socketResult, httpResult]
        }
    }

    private static func connect(_ url: String) async throws -> BusSocket {
        for _ in 0..<100 {
            if let socket = try? await BusSocket.connect(url) { return socket }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw ConfigurationError("The benchmark server did not start")
    }

    private func drive(_ count: Int, _ call: @escaping @Sendable (Int) async throws -> Void, transport: String) async throws -> Result {
        let (latencies, seconds) = try await closedLoop(count: count, concurrency: connections * inFlightPerConnection) { worker, _ in
            let begin = ContinuousClock.now
            try await call(worker)
            return (ContinuousClock.now - begin).seconds
        }
        return Result(transport: transport, calls: count, seconds: seconds, latencies: latencies.sorted())
    }
}
