import Foundation
import MediaflowModel
import MediaflowTesting
import NIOCore
import Testing

@testable import MediaflowServer

/// The benchmarks' load generator fails a request that gets no answer instead of hanging the run.
@Suite struct LoadConnectionTests {
    @Test func aServerThatNeverAnswersFailsTheRequest() async throws {
        let (blackHole, port) = try FreePort.blackHole()
        defer { close(blackHole) }
        let connection = try await LoadConnection.connect(host: "127.0.0.1", port: port, answerTimeout: .milliseconds(300))
        defer { connection.close() }
        let started = ContinuousClock.now
        await #expect(throws: (any Error).self) { try await connection.send(.GET, "/health") }
        #expect(ContinuousClock.now - started < .seconds(5))
    }

    @Test func aServerThatAnswersIsRead() async throws {
        try await withServer { server in
            let url = try #require(URL(string: server.client.baseURL))
            let connection = try await LoadConnection.connect(host: "127.0.0.1", port: try #require(url.port))
            defer { connection.close() }
            let body = ByteBuffer(bytes: try ProtocolJSON.encode(Job(type: .ameJob, profile: "NoOp")))
            let created = try await connection.send(.POST, "/Job", body: body)
            #expect(created.status == 201)
            #expect(created.headers.first(name: "Location")?.hasPrefix("/Job/") == true)
            #expect(try await connection.send(.GET, "/health").status == 200)
        }
    }
}
