import Foundation
import GRDB
import MediaflowModel
import MediaflowStore

/// The embedded store: one SQLite file in WAL mode, every commit synced (`synchronous=FULL`), with
/// concurrent writes grouped into shared transactions. The file is this process's alone, so the jobs it
/// wrote lately are served from memory as written.
public final class SQLiteStore: JobStore {
    let pool: DatabasePool
    let writer: GroupCommitWriter
    let snapshots = JobSnapshots()

    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    /// - Throws: `StoreError.unavailable` when the file cannot be opened or migrated.
    public init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            // The pool sets its writer to synchronous=NORMAL when it turns WAL on, after `prepareDatabase`
            // has run, and NORMAL leaves commits unsynced until the next checkpoint: a commit is to be on
            // disk before it is acknowledged, so the one writer connection is set to FULL here.
            try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
            try SQLiteMigrations.migrator.migrate(pool)
        } catch {
            throw StoreError.unavailable("Cannot open the SQLite database at \(path): \(error)")
        }
        writer = GroupCommitWriter(pool: pool)
    }

    /// Runs a write in the next group commit, translating database errors; `afterCommit` gets its result
    /// the instant it commits, before the caller resumes.
    func write<T: Sendable>(
        _ body: @escaping @Sendable (Database) throws -> T, afterCommit: (@Sendable (T) -> Void)? = nil
    ) async throws -> T {
        do {
            return try await writer.write(body, afterCommit: afterCommit)
        } catch let error as DatabaseError {
            throw StoreError.unavailable("SQLite write failed: \(error.resultCode)")
        }
    }

    /// Runs a read on a snapshot of the last commit, translating database errors. Reads are short point
    /// lookups, so they run on the calling thread rather than paying for a hop to a reader queue.
    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try readNow(body)
    }

    private func readNow<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try pool.read(body)
        } catch let error as DatabaseError {
            throw StoreError.unavailable("SQLite read failed: \(error.resultCode)")
        }
    }
}

/// Statement helpers for the SQLite driver.
enum Column {
    /// Runs a statement compiled once per connection.
    static func execute(_ sql: String, _ arguments: StatementArguments = [], _ db: Database) throws {
        try db.cachedStatement(sql: sql).execute(arguments: arguments)
    }

    static func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ",")
    }
}
