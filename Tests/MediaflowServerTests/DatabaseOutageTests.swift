import Foundation
import MediaflowModel
import MediaflowServer
import NIOHTTP1
import MediaflowTesting
import Testing

/// A node whose PostgreSQL goes away says so at once — `GET /health` 503 with the reason, requests a 503
/// problem — rather than holding requests for the pool's minute of reconnecting and then failing them with
/// a 500; and it takes work again as soon as the database is back, with nothing lost.
@Suite struct DatabaseOutageTests {
    @Test func aNodeCutOffFromItsDatabaseSaysSoAtOnceAndRecovers() async throws {
        try await TestDatabase.withFreshSchema(prefix: "outage") { database in
            var url = try #require(URLComponents(string: database))
            let relay = try TCPRelay(to: try #require(url.host), port: url.port ?? 5432)
            try await relay.start()
            url.host = "127.0.0.1"
            url.port = relay.port
            var configuration = try TestServer.configuration()
            configuration.database = try #require(url.string)
            try await withServer(configuration) { server in
                let before = try await server.client.create(Job(type: .ameJob, profile: "NoOp"))

                try await relay.stop()
                let cutOff = ContinuousClock.now
                try await eventually(timeout: .seconds(10), "health to say the database is away") {
                    try await server.client.call(.GET, "/health", timeout: .seconds(5)).status == 503
                }
                let health = try ProtocolJSON.decode(
                    JSONValue.self, from: try await server.client.call(.GET, "/health", timeout: .seconds(5)).body)
                #expect(health["status"] == "unavailable")
                #expect(health["detail"]?.stringValue?.contains("PostgreSQL at 127.0.0.1:\(relay.port)") == true)
                let refused = try await server.client.call(
                    .POST, "/Job", json: try ProtocolJSON.encode(Job(type: .ameJob, profile: "NoOp")), timeout: .seconds(30))
                #expect(refused.status == 503)
                let problem = try ProtocolJSON.decode(JSONValue.self, from: refused.body)
                #expect(problem["type"] == "/problems/store-unavailable")
                let read = try await server.client.call(.GET, "/Job/\(try #require(before.id?.split(separator: "/").last))", timeout: .seconds(30))
                #expect(read.status == 503)
                #expect(ContinuousClock.now - cutOff < .seconds(15), "requests waited for the pool to give up")

                try await relay.start()
                try await waitForHealth(server.baseURL)
                try await eventually(timeout: .seconds(20), "a job to be taken again") {
                    (try? await server.client.create(Job(type: .ameJob, profile: "NoOp"))) != nil
                }
                #expect(try await server.client.job(try #require(before.id)).status == .new)
            }
            try await relay.stop()
        }
    }
}
