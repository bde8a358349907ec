import AsyncHTTPClient
import Foundation
import Hummingbird
import MediaflowModel

/// The bus over HTTP: `POST /bus` calls an op and answers the response message (its status is
/// that of the first error, 200 without errors); `POST /bus/send` fires and forgets;
/// `/bus/services` lists services and registers HTTP endpoints; `POST /bus/channels/{channel}`
/// publishes.
struct BusController<Context: RequestContext>: Sendable {
    let gateway: BusGateway
    let httpClient: HTTPClient
    let maxBodyBytes: Int

    func addRoutes(to router: Router<Context>) {
        router.post("/bus") { request, _ in try await call(request) }
        router.post("/bus/send") { request, _ in
            let message: BusRequest
            do throws(BusFault) {
                message = try BusRequest(message: try await members(of: request))
                let transaction = try gateway.send(message, caller: UniqueID.make())
                return Self.json(["transaction": ["id": .string(transaction), "origin": "gateway"]], status: .accepted)
            } catch {
                return refusal(error)
            }
        }
        router.get("/bus/services") { _, _ in
            let services = gateway.directory().map { entry -> JSONValue in
                var fields = entry.description.json.objectValue!
                fields["instances"] = .number(Double(entry.instances))
                return .object(fields)
            }
            return Self.json(["services": .array(services)])
        }
        router.post("/bus/services") { request, _ in try await registerEndpoint(request) }
        router.delete("/bus/services") { request, _ in
            guard let endpoint = request.uri.queryParameters.get("endpoint") else {
                throw Problem.invalidField("/endpoint", "give the endpoint to remove as ?endpoint=URL")
            }
            gateway.unregister(instanceID: HTTPBusInstance(endpoint: endpoint, client: httpClient).instanceID)
            return Response(status: .noContent)
        }
        router.post("/bus/channels/:channel") { request, context in
            let channel: ChannelPattern
            do {
                channel = try ChannelPattern(try context.parameters.require("channel"), wildcards: false)
            } catch let fault as BusFault {
                throw Problem.invalidField("/channel", fault.details)
            }
            var request = request
            let body = try await request.collectBody(upTo: maxBodyBytes)
            let message: JSONValue
            do {
                message = try JSONParser.parse(body.readableBytesView)
            } catch {
                throw Problem.malformedBody("The body must be the JSON message to publish: \(error)")
            }
            let count = await gateway.publish(message, on: channel.text, caller: UniqueID.make())
            return Self.json(["delivered": .number(Double(count))], status: .accepted)
        }
    }

    private func call(_ request: Request) async throws -> Response {
        var timeout = BusConnection.defaultTimeout
        let message: BusRequest
        do throws(BusFault) {
            if let text = request.uri.queryParameters.get("timeoutMs") {
                guard let milliseconds = Int64(text), milliseconds > 0 else {
                    throw BusFault.malformed("timeoutMs", "must be a positive whole number of milliseconds")
                }
                timeout = min(.milliseconds(milliseconds), BusConnection.longestTimeout)
            }
            message = try BusRequest(message: try await members(of: request))
        } catch {
            return refusal(error)
        }
        let response = await gateway.call(message, caller: UniqueID.make(), timeout: timeout)
        let status = response.errorSet.first.map { HTTPResponse.Status(code: $0.status) } ?? .ok
        return Self.text(response.text, status: status)
    }

    /// The answer to a message the gateway cannot act on: its errorSet entry, with the entry's status.
    private func refusal(_ fault: BusFault) -> Response {
        Self.json(["errorSet": [gateway.reject(fault).json]], status: .init(code: fault.status))
    }

    /// The members of a JSON object body.
    private func members(of request: Request) async throws(BusFault) -> JSONObject {
        var request = request
        let body: ByteBuffer
        do { body = try await request.collectBody(upTo: maxBodyBytes) } catch {
            throw BusFault(
                code: "mediaflow.bus/E0413", message: "Message too large",
                details: "The message exceeds \(maxBodyBytes) bytes", status: 413)
        }
        let value: JSONValue
        do { value = try JSONParser.parse(body.readableBytesView) } catch { throw .notJSON(error.description) }
        guard case .object(let members) = value else { throw .malformed("message", "must be a JSON object") }
        return members
    }

    private func registerEndpoint(_ request: Request) async throws -> Response {
        let fields: JSONObject
        let description: BusServiceDescription
        do throws(BusFault) {
            fields = try await members(of: request)
            description = try BusServiceDescription(json: fields)
        } catch where error.code == BusFault.notJSONCode {
            throw Problem.malformedBody(error.details)
        } catch {
            throw Problem.invalidField(error.field.map { "/" + $0 } ?? "", error.details)
        }
        guard let endpoint = fields["endpoint"]?.stringValue else {
            throw Problem.invalidField("/endpoint", "must be the http(s) URL the gateway POSTs requests to")
        }
        try JobProcessor.checkCallback(endpoint, pointer: "/endpoint")
        let instance = HTTPBusInstance(endpoint: endpoint, client: httpClient)
        gateway.register(description, instance: instance)
        var answer = description.json.objectValue!
        answer["endpoint"] = .string(endpoint)
        answer["instanceId"] = .string(instance.instanceID)
        return Self.json(.object(answer), status: .created)
    }

    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        text(JSONWriter.text(value), status: status)
    }

    static func text(_ text: String, status: HTTPResponse.Status) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
