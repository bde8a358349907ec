import Foundation

/// One entry of an `errorSet`: a namespaced `code`, what happened (`message`, `details`), an
/// `incident` id also written to the server log, `severity`, an HTTP-like `status`, and the
/// `origin` service.
public struct BusError: Sendable, Equatable {
    public var code: String
    public var details: String
    public var message: String
    public var incident: String
    public var severity: String
    public var status: Int
    public var origin: BusAddress

    public init(
        code: String, details: String, message: String, incident: String = UniqueID.make(),
        severity: String = "ERROR", status: Int, origin: BusAddress
    ) {
        self.code = code
        self.details = details
        self.message = message
        self.incident = incident
        self.severity = severity
        self.status = status
        self.origin = origin
    }

    /// The entry for a fault, raised at `origin`.
    public init(_ fault: BusFault, origin: BusAddress) {
        self.init(code: fault.code, details: fault.details, message: fault.message, status: fault.status, origin: origin)
    }

    public var json: JSONValue {
        [
            "code": .string(code), "details": .string(details), "message": .string(message),
            "incident": .string(incident), "severity": .string(severity), "status": .number(Double(status)),
            "origin": origin.origin,
        ]
    }

    /// Reads an `errorSet` as a service sent it; entries missing fields are completed rather than
    /// refused, so a careless service's error still reaches its caller.
    public static func list(_ value: JSONValue?) throws(BusFault) -> [BusError] {
        switch value {
        case nil, .null?: return []
        case .array(let entries)?:
            return try entries.enumerated().map { (index, entry) throws(BusFault) in
                guard case .object(let fields) = entry else {
                    throw .malformed("errorSet/\(index)", "must be an object, not \(entry.kindName)")
                }
                let origin = fields["origin"]
                return BusError(
                    code: fields["code"]?.stringValue ?? BusFault.serviceErrorCode,
                    details: fields["details"]?.stringValue ?? "",
                    message: fields["message"]?.stringValue ?? "Service error",
                    incident: fields["incident"]?.stringValue ?? UniqueID.make(),
                    severity: fields["severity"]?.stringValue ?? "ERROR",
                    status: fields["status"]?.numberValue.map { Int(saturating: $0) } ?? 500,
                    origin: BusAddress(
                        type: origin?["type"]?.stringValue ?? "", realm: origin?["realm"]?.stringValue ?? "",
                        version: origin?["version"]?.numberValue.map { Int(saturating: $0) } ?? 0))
            }
        case let other?: throw .malformed("errorSet", "must be an array, not \(other.kindName)")
        }
    }
}

/// Something that went wrong on the bus, before it is stamped with an incident and an origin.
/// Codes are namespaced `mediaflow.bus/…`, numbered in the seed's style.
public struct BusFault: Error, Sendable, Equatable {
    public var code: String
    public var message: String
    public var details: String
    public var status: Int
    /// The envelope field at fault, when there is one.
    public var field: String?

    public init(code: String, message: String, details: String, status: Int, field: String? = nil) {
        self.code = code
        self.message = message
        self.details = details
        self.status = status
        self.field = field
    }

    public static let serviceErrorCode = "mediaflow.bus/I0002"

    /// The code of a message that is not JSON.
    public static let notJSONCode = "mediaflow.bus/E0400"

    public static func notJSON(_ reason: String) -> BusFault {
        BusFault(code: notJSONCode, message: "Malformed message", details: "The message is not JSON: \(reason)", status: 400)
    }
    public static func missing(_ field: String) -> BusFault {
        BusFault(
            code: "mediaflow.bus/E0401", message: "Malformed message", details: "\(field) is required", status: 400,
            field: field)
    }
    public static func malformed(_ field: String, _ problem: String) -> BusFault {
        BusFault(
            code: "mediaflow.bus/E0402", message: "Malformed message", details: "\(field) \(problem)", status: 400,
            field: field)
    }
    public static func unknownService(_ address: BusAddress) -> BusFault {
        BusFault(
            code: "mediaflow.bus/E0404", message: "Unknown service",
            details: "No service \(address.type) in realm \(address.realm) at version \(address.version) is registered",
            status: 404)
    }
    public static func unknownOp(_ op: String, _ address: BusAddress) -> BusFault {
        BusFault(
            code: "mediaflow.bus/E0405", message: "Unknown operation",
            details: "The service \(address) has no operation '\(op)'", status: 404, field: "op")
    }
    public static func timedOut(after timeout: Duration) -> BusFault {
        BusFault(
            code: "mediaflow.bus/E0504", message: "Service timeout",
            details: "The service did not answer within \(timeout.wholeMilliseconds) ms",
            status: 504)
    }
    public static func disconnected() -> BusFault {
        BusFault(
            code: "mediaflow.bus/E0502", message: "Service disconnected",
            details: "The service instance went away before it answered", status: 502)
    }
    public static func unreachable(_ reason: String) -> BusFault {
        BusFault(code: "mediaflow.bus/E0503", message: "Service unavailable", details: reason, status: 503)
    }
    public static func badReply(_ reason: String) -> BusFault {
        BusFault(
            code: "mediaflow.bus/E0506", message: "Bad service reply",
            details: "The service answered something that is not a bus response: \(reason)", status: 502)
    }
    public static func serviceError(_ details: String) -> BusFault {
        BusFault(code: serviceErrorCode, message: "Internal service error", details: details, status: 500)
    }
}
