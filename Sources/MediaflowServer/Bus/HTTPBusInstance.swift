import AsyncHTTPClient
import Foundation
import MediaflowModel
import NIOCore

/// A bus service reached over HTTP: each request envelope (context included) is POSTed to its
/// endpoint, which answers with the response members (`resultSet`, `errorSet`, `context`).
final class HTTPBusInstance: BusInstance {
    let endpoint: String
    let instanceID: String
    private let client: HTTPClient

    init(endpoint: String, client: HTTPClient) {
        self.endpoint = endpoint
        self.instanceID = "http:" + endpoint
        self.client = client
    }

    var identity: JSONValue { ["id": .string(instanceID), "endpoint": .string(endpoint)] }

    func invoke(_ request: BusRequest, timeout: Duration) async throws(BusFault) -> ServiceReply {
        var post = HTTPClientRequest(url: endpoint)
        post.method = .POST
        post.headers.add(name: "Content-Type", value: "application/json")
        if let transaction = request.transactionID { post.headers.add(name: "X-Transaction-Id", value: transaction) }
        post.body = .bytes(ByteBuffer(string: request.text))
        let body: ByteBuffer
        do {
            let response = try await client.execute(post, timeout: TimeAmount(timeout))
            body = try await response.body.collect(upTo: 16 << 20)
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            throw .timedOut(after: timeout)
        } catch {
            throw .unreachable("The service endpoint \(endpoint) cannot be reached: \(error)")
        }
        let value: JSONValue
        do { value = try JSONParser.parse(body.readableBytesView) } catch { throw .badReply(error.description) }
        guard case .object(let members) = value else { throw .badReply("the body is not a JSON object") }
        return try ServiceReply(members: members)
    }

    func deliver(_ request: BusRequest) async { _ = try? await invoke(request, timeout: BusConnection.longestTimeout) }
}

extension TimeAmount {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
