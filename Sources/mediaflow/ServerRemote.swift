import ArgumentParser
import Foundation
import MediaflowServer
import MediaflowStates
import NIOCore
import NIOHTTP1

/// The CLI's JSON calls to a server (workflow and bus routes).
struct ServerRemote {
    let client: MediaflowClient
    var baseURL: String { client.baseURL }

    /// Sends a request and returns the JSON answer. - Throws: the server's problem detail on failure.
    func send(_ method: HTTPMethod, _ path: String, _ body: JSONValue? = nil) async throws -> JSONValue {
        let (status, text) = try await exchange(method, path, body.map(JSONText.serialize), timeout: .seconds(70))
        let value = JSONText.parse(text) ?? .null
        guard (200..<300).contains(status) else {
            let pointer = value["pointer"]?.stringValue.map { " at \($0)" } ?? ""
            throw ValidationError("\(status): \(value["detail"]?.stringValue ?? text)\(pointer)")
        }
        return value
    }

    /// POSTs JSON text and returns the JSON answer whatever its status (the bus answers errors as
    /// an `errorSet` with the error's status).
    func post(path: String, text: String) async throws -> JSONValue {
        let (status, body) = try await exchange(.POST, path, text, timeout: .seconds(330))
        guard let value = JSONText.parse(body) else { throw ValidationError("\(status): \(body)") }
        return value
    }

    private func exchange(_ method: HTTPMethod, _ path: String, _ body: String?, timeout: TimeAmount) async throws
        -> (status: Int, text: String)
    {
        let (status, answer) = try await client.call(method, path, json: body.map { Data($0.utf8) }, timeout: timeout)
        return (status, String(decoding: answer, as: UTF8.self))
    }
}

extension ServerOption {
    var remote: ServerRemote { ServerRemote(client: client) }
}
