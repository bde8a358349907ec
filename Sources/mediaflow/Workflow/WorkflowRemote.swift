import AsyncHTTPClient
import ArgumentParser
import Foundation
import MediaflowStates
import NIOCore
import NIOHTTP1

/// The CLI's calls to a server's workflow routes.
struct WorkflowRemote {
    let baseURL: String

    /// Sends a request and returns the JSON answer. - Throws: the server's problem detail on failure.
    func send(_ method: HTTPMethod, _ path: String, _ body: JSONValue? = nil) async throws -> JSONValue {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: JSONText.serialize(body)))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(70))
        let text = String(buffer: try await response.body.collect(upTo: 64 << 20))
        let value = JSONText.parse(text) ?? .null
        guard (200..<300).contains(Int(response.status.code)) else {
            let pointer = value["pointer"]?.stringValue.map { " at \($0)" } ?? ""
            throw ValidationError("\(response.status.code): \(value["detail"]?.stringValue ?? text)\(pointer)")
        }
        return value
    }

    /// POSTs JSON text and returns the JSON answer whatever its status (the bus answers errors as
    /// an `errorSet` with the error's status).
    func post(path: String, text: String) async throws -> JSONValue {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: text))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(330))
        let body = String(buffer: try await response.body.collect(upTo: 64 << 20))
        guard let value = JSONText.parse(body) else { throw ValidationError("\(response.status.code): \(body)") }
        return value
    }
}

extension ServerOption {
    var workflows: WorkflowRemote { WorkflowRemote(baseURL: server.hasSuffix("/") ? String(server.dropLast()) : server) }
}
