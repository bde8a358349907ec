import Foundation
import Hummingbird
import MediaflowModel
import MediaflowStore

/// The outbox as an operator sees it: `GET /Callback` lists callbacks in a state (dead letters unless
/// `state` says otherwise), oldest first, paged by `limit` and `cursor`; `GET /Callback/{id}` shows one with
/// its body; `POST /Callback/{id}/redeliver` gives a dead letter another round of delivery attempts.
struct CallbackController<Context: RequestContext>: Sendable {
    let store: any JobProcessorStore
    /// Told of a redelivered callback, so that this node's dispatcher delivers it at once.
    let handover: OutboxHandover
    let baseURL: String

    func addRoutes(to router: Router<Context>) {
        router.get("/Callback") { request, _ in try await list(request) }
        router.get("/Callback/:id") { _, context in
            let id = try context.parameters.require("id")
            guard let message = try await storeCall({ try await store.outboxMessage(id: id) }) else {
                throw Problem.notFound("No callback \(id)")
            }
            return try ProtocolIO.response(CallbackResource(message, baseURL: baseURL, withBody: true))
        }
        router.post("/Callback/:id/redeliver") { _, context in
            let id = try context.parameters.require("id")
            guard let message = try await storeCall({ try await store.redeliver(id: id, now: Date()) }) else {
                throw Problem.notFound("No callback \(id)")
            }
            handover.announce()
            return try ProtocolIO.response(CallbackResource(message, baseURL: baseURL, withBody: false))
        }
    }

    /// `GET /Callback?state=DEAD|PENDING|DELIVERED&limit=N&cursor=C`.
    func list(_ request: Request) async throws -> Response {
        var state = OutboxState.dead
        var limit = 50
        var cursor: String?
        for (key, value) in request.uri.queryParameters {
            switch key {
            case "state": state = try JobQueryParser.enumValue(CallbackState.self, String(value), key).outboxState
            case "limit":
                guard let number = Int(value), (1...1000).contains(number) else {
                    throw Problem.invalidParameter(key, "must be 1 to 1000")
                }
                limit = number
            case "cursor": cursor = String(value)
            default: throw Problem.invalidParameter(key, "is not a known parameter")
            }
        }
        let messages = try await storeCall { try await store.outboxMessages(state: state, after: cursor, limit: limit + 1) }
        let page = messages.prefix(limit)
        let nextCursor = messages.count > limit ? page.last?.id : nil
        return try ProtocolIO.response(
            CallbackListing(
                items: page.map { CallbackResource($0, baseURL: baseURL, withBody: false) },
                next: nextCursor.flatMap { ProtocolIO.nextPage(of: request, at: "\(baseURL)/Callback", cursor: $0) },
                nextCursor: nextCursor))
    }
}

/// An outbox message's state as the protocol spells it.
enum CallbackState: String, CaseIterable, Codable {
    case pending = "PENDING", delivered = "DELIVERED", dead = "DEAD"

    init(_ state: OutboxState) {
        switch state {
        case .pending: self = .pending
        case .delivered: self = .delivered
        case .dead: self = .dead
        }
    }

    var outboxState: OutboxState {
        switch self {
        case .pending: .pending
        case .delivered: .delivered
        case .dead: .dead
        }
    }
}

/// A callback as `/Callback` shows it: where it goes, how its delivery went, and the job it reports.
struct CallbackResource: Encodable {
    var context: String
    var id: String
    var type = "Callback"
    var target: String
    var state: CallbackState
    var attempts: Int
    var nextAttemptAt: String?
    var lastError: String?
    var dateCreated: String
    /// The job the callback reports, as its body names it.
    var job: String?
    var body: JSONValue?

    enum CodingKeys: String, CodingKey {
        case context = "@context"
        case id, type, target, state, attempts, nextAttemptAt, lastError, dateCreated, job, body
    }

    init(_ message: OutboxMessage, baseURL: String, withBody: Bool) {
        let body = try? JSONParser.parse(message.body)
        context = contextURL(baseURL: baseURL)
        id = "\(baseURL)/Callback/\(message.id)"
        target = message.target
        state = CallbackState(message.state)
        attempts = message.attempts
        nextAttemptAt = message.state == .pending ? Timestamp.format(message.nextAttemptAt) : nil
        lastError = message.lastError
        dateCreated = Timestamp.format(message.createdAt)
        job = body?["id"]?.stringValue
        self.body = withBody ? body : nil
    }
}

/// A page of `GET /Callback`, in the form of `GET /Job`'s.
struct CallbackListing: Encodable {
    var items: [CallbackResource]
    var next: String?
    var nextCursor: String?
}
