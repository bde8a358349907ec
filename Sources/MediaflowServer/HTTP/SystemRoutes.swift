import Foundation
import Hummingbird
import MediaflowModel
import MediaflowStore

/// Routes every role serves: health, metrics, the JSON-LD context, the OpenAPI document and produced media files.
struct SystemRoutes<Context: RequestContext>: Sendable {
    let roles: Set<Role>
    let baseURL: String
    /// The store, when it is on a database server this node can lose sight of.
    let database: (any ReachabilityReporting)?
    let freeSpace: FreeSpaceFloor
    /// Why the node is not ready for work yet for other reasons (its services still registering), each nil once it is.
    let readiness: [@Sendable () -> String?]
    /// The store's gauges, for `GET /metrics`.
    let gauges: @Sendable () async throws -> StoreGauges

    func addRoutes(to router: Router<Context>) {
        let roleNames = JSONValue.array(roles.map(\.rawValue).sorted().map(JSONValue.string))
        // 503 while the database cannot be reached, the disk is nearly full or the node's services are not yet
        // registered, so that a load balancer sends the work to other nodes.
        router.get("/health") { _, _ in
            if let outage = database?.outage ?? freeSpace.shortage ?? readiness.lazy.compactMap({ $0() }).first {
                return try ProtocolIO.response(
                    ["status": "unavailable", "detail": .string(outage), "roles": roleNames] as JSONValue,
                    status: .serviceUnavailable)
            }
            return try ProtocolIO.response(["status": "ok", "roles": roleNames] as JSONValue)
        }
        router.get("/metrics") { _, _ in
            // A database known to be out of reach is not asked: the scrape is answered at once.
            let read = database?.outage == nil ? try? await gauges() : nil
            let text = MetricsExposition.text(gauges: read, freeBytes: freeSpace.freeBytes)
            var headers = HTTPFields()
            headers[.contentType] = MetricsExposition.contentType
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        router.get("/context/default") { _, _ in try ProtocolIO.response(Self.context(baseURL: baseURL)) }
        router.get("/openapi.json") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.json)))
        }
    }

    /// The JSON-LD context the payloads' `@context` points at.
    static func context(baseURL: String) -> JSONValue {
        let vocabulary = "\(baseURL)/vocabulary#"
        var terms: JSONObject = ["@vocab": .string(vocabulary), "id": "@id", "type": "@type"]
        for term in ["job", "startJob", "processJob", "locator", "success", "failure", "update"] {
            terms[term] = ["@type": "@id"]
        }
        for term in ["dateCreated", "dateModified"] {
            terms[term] = ["@type": "http://www.w3.org/2001/XMLSchema#dateTime"]
        }
        return ["@context": .object(terms)]
    }
}
