import Foundation
import GRDB
import Testing

@testable import MediaflowSQLite

@Suite struct SQLiteDurabilityTests {
    /// Every commit is synced before it is acknowledged: the writer connection runs with synchronous=FULL
    /// (2), which the connection pool would otherwise lower to NORMAL (1) when it turns WAL on.
    @Test func theWriterSyncsEveryCommit() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mediaflow-durability-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteStore(path: directory.appendingPathComponent("mediaflow.sqlite").path)
        let mode = try await store.write { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        #expect(mode == 2)
        let journal = try await store.write { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(journal == "wal")
    }
}
