import Foundation
import MediaflowModel
import MediaflowPostgres
import MediaflowServer

/// The PostgreSQL server tests use: `MEDIAFLOW_TEST_POSTGRES_URL`, by default the throwaway cluster
/// `.ci/run` starts on `127.0.0.1:55432`.
public enum TestDatabase {
    public static var postgresURL: String {
        ProcessInfo.processInfo.environment["MEDIAFLOW_TEST_POSTGRES_URL"]
            ?? "postgres://postgres@127.0.0.1:55432/mediaflow"
    }

    /// The URL of a fresh schema of its own in the test database, created on first use.
    private static func freshSchemaURL(prefix: String) -> String {
        "\(postgresURL)?schema=\(prefix)_\(UniqueID.make().replacingOccurrences(of: "-", with: ""))"
    }

    /// Runs `body` with the URL of a fresh schema, and drops the schema after, whatever `body` does.
    public static func withFreshSchema<T: Sendable>(
        prefix: String = "test", _ body: (_ url: String) async throws -> T
    ) async throws -> T {
        let url = freshSchemaURL(prefix: prefix)
        let outcome: Result<T, any Error>
        do { outcome = .success(try await body(url)) } catch { outcome = .failure(error) }
        let store = try PostgresStore(url: url, logger: quietLogger)
        try? await whileServing([store], logger: quietLogger) { try await store.dropSchema() }
        return try outcome.get()
    }
}
