import AsyncHTTPClient
import Foundation
import MediaflowModel
import NIOCore
import Testing

/// The seed's payloads, stored under `Golden/`, and comparison of live payloads with them.
enum Golden {
    static func json(_ name: String) throws -> JSONValue {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Golden"))
        return try ProtocolJSON.decode(JSONValue.self, from: Data(contentsOf: url))
    }

    /// Expects `actual` to equal the golden payload once both have their UUIDs and timestamps masked, and
    /// the live URLs in `actual` are mapped to the seed's hosts by `hosts` (live prefix → seed prefix).
    static func expectShape(
        _ actual: JSONValue, matches name: String, baseURL: String, hosts: [(String, String)] = [],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let mapping = hosts + [(baseURL, "https://job-repository")]
        let expected = mask(try json(name), mapping: [])
        #expect(mask(actual, mapping: mapping) == expected, sourceLocation: sourceLocation)
    }

    private static var uuid: Regex<AnyRegexOutput> {
        try! Regex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
    }
    private static var timestamp: Regex<AnyRegexOutput> {
        try! Regex(#"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$"#)
    }

    private static func mask(_ value: JSONValue, mapping: [(String, String)]) -> JSONValue {
        switch value {
        case .string(var text):
            for (live, seed) in mapping where text.hasPrefix(live) { text = seed + text.dropFirst(live.count); break }
            if text.wholeMatch(of: timestamp) != nil { return "<timestamp>" }
            return .string(text.replacing(uuid, with: "<uuid>"))
        case .object(let members): return .object(members.mapValues { mask($0, mapping: mapping) })
        case .array(let elements): return .array(elements.map { mask($0, mapping: mapping) })
        default: return value
        }
    }
}

extension JSONValue {
    /// A copy with the value at `path` replaced.
    func replacing(_ path: [String], with replacement: JSONValue) -> JSONValue {
        guard let key = path.first, case .object(var members) = self else { return replacement }
        members[key] = (members[key] ?? .null).replacing(Array(path.dropFirst()), with: replacement)
        return .object(members)
    }
}

/// Plain HTTP to a server, keeping status, headers and body as they came.
struct RawHTTP {
    let baseURL: String

    struct Reply {
        var status: Int
        var headers: [String: String]
        var body: Data
        var json: JSONValue { (try? ProtocolJSON.decode(JSONValue.self, from: body)) ?? .null }
        var location: String? { headers["location"] }
        var contentType: String? { headers["content-type"] }
    }

    func send(_ method: String, _ path: String, _ body: JSONValue, headers: [(String, String)] = []) async throws -> Reply {
        try await send(method, path, raw: try ProtocolJSON.encode(body), headers: headers)
    }

    func send(
        _ method: String, _ path: String, raw: Data?, contentType: String = "application/json", headers: [(String, String)] = []
    ) async throws -> Reply {
        var request = HTTPClientRequest(url: path.hasPrefix("http") ? path : baseURL + path)
        request.method = .init(rawValue: method)
        if let raw {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(bytes: raw))
        }
        request.headers.add(contentsOf: headers)
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 64 << 20)
        var headers: [String: String] = [:]
        for header in response.headers { headers[header.name.lowercased()] = header.value }
        return Reply(status: Int(response.status.code), headers: headers, body: Data(body.readableBytesView))
    }

    func get(_ path: String, headers: [(String, String)] = []) async throws -> Reply {
        try await send("GET", path, raw: nil, headers: headers)
    }
}
