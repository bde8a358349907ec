import ArgumentParser
import Foundation
import Hummingbird
import Logging
import MediaflowModel
import MediaflowServer

/// `mediaflow bus calculator`: the seed's calculator as a bus service, connected over WebSocket, or
/// serving HTTP and registered by its endpoint.
struct CalculatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calculator",
        abstract: "Serve avid.acs.calculator (global.test, v3) on the bus until stopped.")

    @Option(help: "Serve over HTTP on this loopback port and register the endpoint, instead of connecting over WebSocket.")
    var httpPort: Int?
    @Option(help: "Wait this long before each answer, in milliseconds (to try timeouts and failures).")
    var delayMs = 0
    @OptionGroup var server: ServerOption

    func run() async throws {
        let base = server.remote.baseURL
        if let httpPort {
            try await serveHTTP(port: httpPort, gateway: base)
        } else {
            let socketURL = (base.hasPrefix("https") ? "wss" : "ws") + base.drop { $0 != ":" } + "/bus/ws"
            let socket = try await BusSocket.connect(socketURL)
            try await socket.register(
                Calculator.description,
                identity: ["bal": "mediaflow swift", "pid": .number(Double(ProcessInfo.processInfo.processIdentifier))]
            ) { [delayMs] request in
                if delayMs > 0 { try await Task.sleep(for: .milliseconds(delayMs)) }
                return try Calculator.answer(request)
            }
            print("avid.acs.calculator is on the bus at \(socketURL)")
            fflush(nil)
            while true { try await Task.sleep(for: .seconds(3600)) }
        }
    }

    private func serveHTTP(port: Int, gateway: String) async throws {
        let router = Router()
        router.post("/calculator") { [delayMs] request, _ -> Response in
            if delayMs > 0 { try await Task.sleep(for: .milliseconds(delayMs)) }
            var request = request
            let body = try await request.collectBody(upTo: 1 << 20)
            let origin = Calculator.description.address
            let reply: (name: String, value: JSONValue)
            switch Result(catching: { () throws(JSONParser.Failure) in try JSONParser.parse(body.readableBytesView) }) {
            case .success(.object(let members)):
                reply = await BusServiceReply.member(for: members, origin: origin) { try Calculator.answer($0) }
            case .success:
                reply = ("errorSet", [BusError(.malformed("message", "must be a JSON object"), origin: origin).json])
            case .failure(let failure):
                reply = ("errorSet", [BusError(.notJSON(failure.description), origin: origin).json])
            }
            var out = "{"
            BusText.member(reply.name, reply.value, to: &out, first: true)
            out += "}"
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: out)))
        }
        var logger = Logger(label: "calculator")
        logger.logLevel = .warning
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)), logger: logger)
        var registration = Calculator.description.json.objectValue!
        registration["endpoint"] = .string("http://127.0.0.1:\(port)/calculator")
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService() }
            var registered = false
            for _ in 0..<100 where !registered {
                registered = (try? await server.remote.send(.POST, "/bus/services", .object(registration))) != nil
                if !registered { try await Task.sleep(for: .milliseconds(100)) }
            }
            guard registered else { throw ValidationError("The gateway at \(gateway) did not take the registration") }
            print("avid.acs.calculator is on the bus through http://127.0.0.1:\(port)/calculator")
            fflush(nil)
            try await group.waitForAll()
        }
    }
}
