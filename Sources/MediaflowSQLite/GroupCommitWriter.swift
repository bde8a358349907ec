import Foundation
import GRDB
import Synchronization

/// Runs write closures in shared transactions: whatever arrives while one transaction commits goes
/// into the next, so many small writes pay for one fsync. None is acknowledged before its transaction
/// commits, and one that throws leaves nothing behind: closures run side by side, and if one throws after
/// changing rows, the transaction is rolled back and run again with each closure in a savepoint of its own,
/// which rolls back the failing one alone. (A savepoint for every closure copied each page it touched; most
/// never throw, and most that do throw at a check, before they change anything.)
final class GroupCommitWriter: Sendable {
    private let pool: DatabasePool
    private let pending = Mutex<(items: [any PendingWrite], draining: Bool)>(([], false))
    private let queue = DispatchQueue(label: "mediaflow.sqlite.writer", qos: .userInitiated)
    private let maxBatch = 1024

    init(pool: DatabasePool) { self.pool = pool }

    /// How many writes wait for the next group transaction.
    var waiting: Int { pending.withLock { $0.items.count } }

    /// Runs `body` in the next group transaction and returns its result once that has committed;
    /// `afterCommit` gets the result on the writer's queue first.
    func write<T: Sendable>(
        _ body: @escaping @Sendable (Database) throws -> T, afterCommit: (@Sendable (T) -> Void)? = nil
    ) async throws -> T {
        // Each write is finished exactly once, by `drain`: an unchecked continuation spares every write the
        // checked one's object.
        try await withUnsafeThrowingContinuation { continuation in
            submit(Write(body: body, afterCommit: afterCommit, continuation: continuation))
        }
    }

    private func submit(_ item: any PendingWrite) {
        let start = pending.withLock { state -> Bool in
            state.items.append(item)
            if state.draining { return false }
            state.draining = true
            return true
        }
        if start { queue.async { self.drain() } }
    }

    private func drain() {
        while true {
            let batch = pending.withLock { state -> [any PendingWrite] in
                let count = min(state.items.count, maxBatch)
                let batch = Array(state.items.prefix(count))
                state.items.removeFirst(count)
                if batch.isEmpty { state.draining = false }
                return batch
            }
            if batch.isEmpty { return }
            var failure: (any Error)?
            do {
                try pool.writeWithoutTransaction { db in
                    var allSucceeded = false
                    try db.inTransaction {
                        allSucceeded = batch.allSatisfy { $0.run(in: db) }
                        return allSucceeded ? .commit : .rollback
                    }
                    if allSucceeded { return }
                    try db.inTransaction {
                        for item in batch { item.runInSavepoint(in: db) }
                        return .commit
                    }
                }
            } catch {
                failure = error
            }
            for item in batch { item.finish(commitFailure: failure) }
        }
    }
}

private protocol PendingWrite: Sendable {
    /// Runs the closure; false when it threw after changing rows, leaving the transaction to be rolled back.
    func run(in db: Database) -> Bool
    /// Runs the closure in a savepoint, rolled back if it throws.
    func runInSavepoint(in db: Database)
    func finish(commitFailure: (any Error)?)
}

private final class Write<T: Sendable>: PendingWrite, @unchecked Sendable {
    // `result` is written on the writer queue, then read once on the same queue after commit. (Nil until the
    // closure has run: a placeholder error made for every write cost an allocation each.)
    private let body: @Sendable (Database) throws -> T
    private let afterCommit: (@Sendable (T) -> Void)?
    private let continuation: UnsafeContinuation<T, any Error>
    private var result: Result<T, any Error>?

    init(
        body: @escaping @Sendable (Database) throws -> T, afterCommit: (@Sendable (T) -> Void)?,
        continuation: UnsafeContinuation<T, any Error>
    ) {
        self.body = body
        self.afterCommit = afterCommit
        self.continuation = continuation
    }

    func run(in db: Database) -> Bool {
        let changesBefore = db.totalChangesCount
        do {
            result = .success(try body(db))
            return true
        } catch {
            result = .failure(error)
            // A statement that fails is undone by SQLite, and counts no change.
            return db.totalChangesCount == changesBefore
        }
    }

    func runInSavepoint(in db: Database) {
        do {
            try db.cachedStatement(sql: "SAVEPOINT item").execute()
            do {
                result = .success(try body(db))
            } catch {
                result = .failure(error)
                try db.cachedStatement(sql: "ROLLBACK TO SAVEPOINT item").execute()
            }
            try db.cachedStatement(sql: "RELEASE SAVEPOINT item").execute()
        } catch {
            result = .failure(error)
        }
    }

    func finish(commitFailure: (any Error)?) {
        if let commitFailure {
            continuation.resume(throwing: commitFailure)
        } else {
            let result = result ?? .failure(StoreErrorPlaceholder())
            if case .success(let value) = result { afterCommit?(value) }
            continuation.resume(with: result)
        }
    }
}

private struct StoreErrorPlaceholder: Error {}
