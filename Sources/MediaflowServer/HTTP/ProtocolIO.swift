import Foundation
import Hummingbird
import MediaflowModel
import MediaflowStore

/// Reading protocol payloads from requests and writing them to responses.
enum ProtocolIO {
    static let contentType = "application/json; charset=utf-8"

    /// Decodes the request body as `T`, within `limit` bytes.
    /// - Throws: `Problem` for an oversized body, bad JSON, or a field that does not fit `T`.
    static func decode<T: Decodable>(_ type: T.Type, from request: Request, limit: Int) async throws -> T {
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: limit)
        } catch {
            throw Problem(
                .contentTooLarge, slug: "body-too-large", title: "Request body too large",
                detail: "The body exceeds \(limit) bytes", pointer: "")
        }
        do {
            return try ProtocolJSON.decode(type, from: Data(buffer.readableBytesView))
        } catch let error as DecodingError {
            throw Problem(decoding: error)
        }
    }

    /// A JSON response with `status`, and a `Location` and an `ETag` header when given.
    static func response(
        _ value: some Encodable, status: HTTPResponse.Status = .ok, location: String? = nil, entityTag: String? = nil
    ) throws -> Response {
        let data = try ProtocolJSON.encode(value)
        var headers = HTTPFields()
        headers[.contentType] = contentType
        if let location { headers[.location] = location }
        if let entityTag { headers[.eTag] = entityTag }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// The URL of the page after `request`'s of a listing at `url`: the same query, from `cursor`.
    static func nextPage(of request: Request, at url: String, cursor: String) -> String? {
        var next = URLComponents(string: url)
        next?.queryItems = request.uri.queryParameters.filter { $0.key != "cursor" }
            .map { URLQueryItem(name: String($0.key), value: String($0.value)) }
            + [URLQueryItem(name: "cursor", value: cursor)]
        return next?.string
    }
}

extension StoreError {
    /// The problem this store error means for a client.
    var problem: Problem {
        if isNotFound { return .notFound(message) }
        if isConflict { return .conflict(message) }
        if isOutdated { return .outdated(message) }
        return Problem(.serviceUnavailable, slug: "store-unavailable", title: "Store unavailable", detail: message)
    }
}

/// Runs a store call, turning store errors into problems.
func storeCall<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as StoreError {
        throw error.problem
    } catch let error as JobLifecycleError {
        throw Problem.conflict(error.description, pointer: "/job")
    }
}
