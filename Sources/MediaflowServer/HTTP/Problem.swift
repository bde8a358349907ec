import Foundation
import Hummingbird
import MediaflowModel

/// A client-facing error, sent as `application/problem+json` (RFC 9457) with the JSON pointer of the
/// offending field when there is one.
public struct Problem: Error, HTTPResponseError, Sendable, Equatable {
    public var status: HTTPResponse.Status
    /// A short slug that names the kind of problem; the `type` URI is `/problems/{slug}`.
    public var slug: String
    public var title: String
    public var detail: String
    /// JSON pointer (RFC 6901) to the field of the request body at fault.
    public var pointer: String?
    /// The query parameter at fault.
    public var parameter: String?
    /// The incident id logged with a server-side failure.
    public var incident: String?

    public init(
        _ status: HTTPResponse.Status, slug: String, title: String, detail: String, pointer: String? = nil,
        parameter: String? = nil, incident: String? = nil
    ) {
        self.parameter = parameter
        self.status = status
        self.slug = slug
        self.title = title
        self.detail = detail
        self.pointer = pointer
        self.incident = incident
    }

    /// A field of the request is missing, of the wrong type or has a value that is not allowed.
    public static func invalidField(_ pointer: String, _ detail: String) -> Problem {
        Problem(.unprocessableContent, slug: "invalid-field", title: "Invalid field", detail: detail, pointer: pointer)
    }

    /// A query parameter is unknown or has a value that is not allowed.
    public static func invalidParameter(_ name: some StringProtocol, _ detail: String) -> Problem {
        Problem(.badRequest, slug: "invalid-parameter", title: "Invalid query parameter", detail: "\(name) \(detail)",
            pointer: nil, parameter: String(name))
    }

    /// The request body is not JSON at all.
    public static func malformedBody(_ detail: String) -> Problem {
        Problem(.badRequest, slug: "malformed-body", title: "Malformed request body", detail: detail, pointer: "")
    }

    /// The resource does not exist.
    public static func notFound(_ detail: String) -> Problem {
        Problem(.notFound, slug: "not-found", title: "Not found", detail: detail)
    }

    /// The resource is not in a state that allows the request.
    public static func conflict(_ detail: String, pointer: String? = nil) -> Problem {
        Problem(.conflict, slug: "conflict", title: "Conflict", detail: detail, pointer: pointer)
    }

    /// The resource changed since the version the request's `If-Match` names.
    public static func outdated(_ detail: String) -> Problem {
        Problem(.preconditionFailed, slug: "outdated", title: "Precondition failed", detail: detail)
    }

    /// A role this request needs did not answer.
    public static func upstream(_ detail: String) -> Problem {
        Problem(.badGateway, slug: "upstream-failure", title: "Upstream failure", detail: detail)
    }

    var document: JSONObject {
        var body: JSONObject = [
            "type": .string("/problems/\(slug)"), "title": .string(title), "status": .number(Double(status.code)),
            "detail": .string(detail),
        ]
        if let pointer {
            body["pointer"] = .string(pointer)
            body["errors"] = [["pointer": .string(pointer), "detail": .string(detail)]]
        }
        if let parameter { body["parameter"] = .string(parameter) }
        if let incident { body["incident"] = .string(incident) }
        return body
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let data = try ProtocolJSON.encode(JSONValue.object(document))
        var headers = HTTPFields()
        headers[.contentType] = "application/problem+json"
        // What is unavailable (a database out of reach) is probed every second: a client may try again then.
        if status == .serviceUnavailable { headers[.retryAfter] = "1" }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

extension Problem {
    /// The problem a decoding error stands for, pointing at the field at fault.
    init(decoding error: DecodingError) {
        switch error {
        case .keyNotFound(let key, let context):
            self = .invalidField(Self.pointer(context.codingPath + [key]), "\(key.stringValue) is required")
        case .typeMismatch(let type, let context):
            self = .invalidField(Self.pointer(context.codingPath), "expected \(Self.name(of: type))")
        case .valueNotFound(let type, let context):
            self = .invalidField(Self.pointer(context.codingPath), "expected \(Self.name(of: type)), found null")
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                self = .malformedBody("The body is not valid JSON: \(context.debugDescription)")
            } else {
                self = .invalidField(Self.pointer(context.codingPath), Self.cleaned(context.debugDescription))
            }
        @unknown default:
            self = .malformedBody("The body could not be read")
        }
    }

    /// A JSON pointer for a coding path.
    static func pointer(_ path: [any CodingKey]) -> String {
        path.map { key in
            "/" + (key.intValue.map(String.init) ?? key.stringValue)
                .replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
        }.joined()
    }

    private static func name(of type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Double.Type: "a number"
        case is Bool.Type: "a boolean"
        default: type is any Collection.Type ? "an array" : "an object"
        }
    }

    private static func cleaned(_ description: String) -> String {
        if let range = description.range(of: "Cannot initialize "), description.contains("from invalid String value") {
            let rest = description[range.upperBound...]
            let typeName = rest.prefix { $0 != " " }
            let value = rest.components(separatedBy: "value ").last ?? ""
            return "'\(value)' is not a valid \(typeName) value"
        }
        return description
    }
}
