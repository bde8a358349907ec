import Foundation
import Logging
import MediaflowServer
import MediaflowStore
import MediaflowTesting
import PostgresNIO
import Synchronization
import Testing

@testable import MediaflowPostgres

/// A database that cannot be used is said at once and plainly, where PostgresNIO's pool would retry
/// quietly for a minute before giving up with `connectionCreationCircuitBreakerTripped`.
@Suite struct PostgresReachabilityTests {
    @Test func nothingListeningIsSaidAfterThePatience() async throws {
        let port = try FreePort.pick()
        let store = try PostgresStore(url: "postgres://postgres@127.0.0.1:\(port)/mediaflow", logger: Logger(label: "test"))
        let started = ContinuousClock.now
        let error = await #expect(throws: StoreError.self) { try await store.checkReachable(patience: .seconds(1)) }
        #expect(ContinuousClock.now - started < .seconds(10))
        #expect(
            error?.description == "Cannot reach PostgreSQL at 127.0.0.1:\(port): connection refused: nothing listens there")
    }

    @Test func aDatabaseThatDoesNotExistFailsTheMigrationWithPostgresReason() async throws {
        let url = TestDatabase.postgresURL.replacingOccurrences(of: "/mediaflow", with: "/no_such_database")
        let store = try PostgresStore(url: url, logger: Logger(label: "test"))
        let running = Task { try await store.run() }
        defer { running.cancel() }
        let error = await #expect(throws: StoreError.self) { try await store.migrate() }
        #expect(error?.description.hasSuffix(#"refused this node: database "no_such_database" does not exist"#) == true)
    }

    /// PostgresNIO (1.33) drops a statement written to a connection that has closed, and its caller waits for good;
    /// the store's statements, plain or prepared, look first on the connection's event loop and fail at once as a
    /// lost connection.
    @Test(arguments: [false, true]) func aStatementOnAClosedConnectionFailsAtOnce(prepared: Bool) async throws {
        let url = try #require(URLComponents(string: TestDatabase.postgresURL))
        let configuration = PostgresClient.Configuration(
            host: try #require(url.host), port: url.port ?? 5432, username: try #require(url.user), password: url.password,
            database: String(url.path.dropFirst()), tls: .disable)
        let client = PostgresClient(configuration: configuration)
        let running = Task { await client.run() }
        defer { running.cancel() }
        let outcome = Mutex<Result<[Int], any Error>?>(nil)
        // Not awaited: a statement that waits for good would hold the test, and the suite, for good.
        Task {
            do {
                let answer = try await client.withOpenConnection(logger: Logger(label: "test")) { connection in
                    #expect(try await connection.execute(SelectOne()) == [1])
                    try await connection.connection.close()
                    return prepared ? try await connection.execute(SelectOne()) : try await connection.query("SELECT 1").decode(Int.self)
                }
                outcome.withLock { $0 = .success(answer) }
            } catch {
                outcome.withLock { $0 = .failure(error) }
            }
        }
        try await eventually(timeout: .seconds(10), "the statement on the closed connection to end") {
            outcome.withLock { $0 != nil }
        }
        guard case .failure(let error) = try #require(outcome.withLock { $0 }) else {
            Issue.record("A statement on a closed connection was answered")
            return
        }
        #expect(error is ClosedConnectionError)
        #expect(PostgresStore.isLostConnection(error))
    }

    private struct SelectOne: PostgresPreparedStatement {
        static let name = "select_one"
        static let sql = "SELECT 1"
        typealias Row = Int

        func makeBindings() -> PostgresBindings { PostgresBindings() }
        func decodeRow(_ row: PostgresRow) throws -> Int { try row.decode(Int.self) }
    }
}
