import Foundation
import MediaflowModel

/// The PostgreSQL server tests use: `MEDIAFLOW_TEST_POSTGRES_URL`, by default the throwaway cluster
/// `.ci/run` starts on `127.0.0.1:55432`.
public enum TestDatabase {
    public static var postgresURL: String {
        ProcessInfo.processInfo.environment["MEDIAFLOW_TEST_POSTGRES_URL"]
            ?? "postgres://postgres@127.0.0.1:55432/mediaflow"
    }

    /// The URL of a fresh schema of its own in the test database, created on first use.
    public static func freshSchemaURL(prefix: String = "test") -> String {
        "\(postgresURL)?schema=\(prefix)_\(UniqueID.make().replacingOccurrences(of: "-", with: ""))"
    }
}
