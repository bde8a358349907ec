import Foundation
import Hummingbird
import MediaflowModel
import MediaflowServer

/// Runs `body` with two functions served over HTTP on loopback, for binding state machines'
/// function resources to URLs: `POST /double` answers `{"doubled": 2n}` to `{"n": n}`, and
/// `POST /fail` answers 500 with a Lambda-style error document (`errorType` `Broken`).
public func withFunctionEndpoints<T: Sendable>(_ body: @Sendable (_ baseURL: String) async throws -> T) async throws -> T {
    let port = try FreePort.pick()
    let router = Router()
    router.post("/double") { request, _ in
        var request = request
        let text = String(buffer: try await request.collectBody(upTo: 1 << 20))
        let n = (try? JSONParser.parse(text))?["n"]?.numberValue ?? 0
        return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: JSONWriter.text(["doubled": .number(n * 2)]))))
    }
    router.post("/fail") { _, _ in
        let document: JSONValue = ["errorType": "Broken", "errorMessage": "the function broke"]
        return Response(status: .internalServerError, body: .init(byteBuffer: ByteBuffer(string: JSONWriter.text(document))))
    }
    let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)), logger: quietLogger)
    let url = "http://127.0.0.1:\(port)"
    return try await whileRunning([app]) {
        try await waitForPort(url)
        return try await body(url)
    }
}
