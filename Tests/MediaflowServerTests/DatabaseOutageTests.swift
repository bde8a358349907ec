import AsyncHTTPClient
import Foundation
import MediaflowModel
import MediaflowServer
import MediaflowTesting
import NIOHTTP1
import Testing

/// A node whose PostgreSQL goes away says so at once — `GET /health` 503 with the reason, requests a 503
/// problem — rather than holding requests for the pool's minute of reconnecting and then failing them with
/// a 500; and it takes work again as soon as the database is back, with nothing lost. The database goes away
/// by a TCP relay between the node and it being stopped.
@Suite struct DatabaseOutageTests {
    @Test func aNodeCutOffFromItsDatabaseSaysSoAtOnceAndRecovers() async throws {
        try await Self.withNodeBehindRelay { server, relay in
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
            let metrics = try await server.client.call(.GET, "/metrics", timeout: .seconds(5))
            let exposition = String(decoding: metrics.body, as: UTF8.self)
            #expect(metrics.status == 200 && exposition.contains("\nmediaflow_database_up 0\n"), "\(exposition)")
            #expect(!exposition.contains("mediaflow_jobs"))
            var post = HTTPClientRequest(url: server.baseURL + "/Job")
            post.method = .POST
            post.headers.add(name: "Content-Type", value: "application/json")
            post.body = .bytes(try ProtocolJSON.encode(Job(type: .ameJob, profile: "NoOp")))
            let refused = try await HTTPClient.shared.execute(post, timeout: .seconds(30))
            #expect(refused.status == .serviceUnavailable)
            #expect(refused.headers.first(name: "Retry-After") == "1")
            let problem = try ProtocolJSON.decode(JSONValue.self, from: Data(buffer: try await refused.body.collect(upTo: 1 << 16)))
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
    }

    /// A database that stops answering without closing anything (a network partition) is noticed too: once
    /// statements have been waiting for seconds with none coming back, the node tries a connection of its own,
    /// and when that gets no answer either it says so as for a lost connection. A request already waiting ends
    /// true either way: written once the database answers again (201), or refused with nothing written (503,
    /// when it waited for a connection that the pool could not make).
    @Test func aNodeWhoseDatabaseStopsAnsweringSaysSoAndRecovers() async throws {
        try await Self.withNodeBehindRelay { server, relay in
            let before = try await server.client.create(Job(type: .ameJob, profile: "NoOp"))

            await relay.freeze()
            let frozen = ContinuousClock.now
            let newJob = try ProtocolJSON.encode(Job(type: .ameJob, profile: "NoOp"))
            let waiting = Task { try await server.client.call(.POST, "/Job", json: newJob, timeout: .seconds(90)) }
            try await eventually(timeout: .seconds(30), "health to say the database does not answer") {
                try await server.client.call(.GET, "/health", timeout: .seconds(5)).status == 503
            }
            #expect(ContinuousClock.now - frozen < .seconds(20))
            let health = try ProtocolJSON.decode(
                JSONValue.self, from: try await server.client.call(.GET, "/health", timeout: .seconds(5)).body)
            let detail = health["detail"]?.stringValue ?? ""
            #expect(detail == "Cannot reach PostgreSQL at 127.0.0.1:\(relay.port): no answer within 5 s")
            let refused = try await server.client.call(.POST, "/Job", json: newJob, timeout: .seconds(5))
            #expect(refused.status == 503)

            await relay.thaw()
            try await waitForHealth(server.baseURL)
            let waited = try await waiting.value
            #expect([201, 503].contains(waited.status))
            let listed = try await server.client.jobs().jobs.compactMap(\.id)
            var expected = [try #require(before.id)]
            if waited.status == 201 {
                expected.insert(try #require(ProtocolJSON.decode(Job.self, from: waited.body).id), at: 0)
            }
            #expect(listed == expected)
            #expect(try await server.client.job(try #require(before.id)).status == .new)
        }
    }

    /// The built-in service reports the end of a job while its node cannot write it: the report is tried again
    /// until the database is back, so the job completes once, with one callback, rather than waiting for its
    /// lease to run out and running again.
    @Test func aJobThatEndsWhileTheDatabaseIsAwayCompletesWhenItIsBack() async throws {
        let clip = try await MediaFixtures.clip(in: MediaFixtures.temporaryDirectory())
        try await withSlowMediaServer(serving: clip) { media in
            try await withCallbackReceiver { receiver, callback in
                try await Self.withNodeBehindRelay { server, relay in
                    // The input arrives 2 s after the service asks for it: the job ends while the database is away.
                    let job = try await server.client.create(
                        Job(type: .ameJob, profile: "ExtractTechnicalMetadata",
                            relatedResource: RelatedResource(locator: "\(media)/media/2/clip.mp4")))
                    let url = try #require(job.id)
                    _ = try await server.client.start(
                        jobURL: url, asyncEndpoint: AsyncEndpoint(success: callback + "/success", failure: callback + "/failure"))
                    try await eventually("the job runs") { try await server.client.job(url).status == .running }
                    let processJob = try await server.client.job(url).processJob
                    try await relay.stop()
                    try await Task.sleep(for: .seconds(4))
                    #expect(receiver.delivered(url) == nil)
                    try await relay.start()

                    try await eventually(timeout: .seconds(30), "the job's callback") { receiver.delivered(url) != nil }
                    #expect(receiver.delivered(url)?.status == .completed)
                    let ended = try await server.client.job(url)
                    #expect(ended.status == .completed)
                    #expect(ended.processJob == processJob, "the job ran again")
                    #expect(receiver.deliveries.filter { $0.job == url }.count == 1)
                }
            }
        }
    }

    /// Runs `body` with a server on a fresh schema of the test database, reached through a relay it can stop.
    /// Leases are long, so that no job is taken over while the database is away.
    static func withNodeBehindRelay(_ body: @Sendable (TestServer, TCPRelay) async throws -> Void) async throws {
        try await TestDatabase.withFreshSchema(prefix: "outage") { database in
            var url = try #require(URLComponents(string: database))
            let relay = try TCPRelay(to: try #require(url.host), port: url.port ?? 5432)
            try await relay.start()
            url.host = "127.0.0.1"
            url.port = relay.port
            var configuration = try TestServer.configuration()
            configuration.database = url.string
            configuration.leaseSeconds = 60
            // A failed test stops the relay before the server shuts down, which would wait on statements that a
            // frozen relay holds.
            try await withServer(configuration) { server in
                do {
                    try await body(server, relay)
                } catch {
                    try await relay.stop()
                    throw error
                }
            }
            try await relay.stop()
        }
    }
}
