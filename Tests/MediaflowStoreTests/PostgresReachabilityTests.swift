import Foundation
import Logging
import MediaflowServer
import MediaflowStore
import MediaflowTesting
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
        #expect(ContinuousClock.now - started < .seconds(4))
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
}
