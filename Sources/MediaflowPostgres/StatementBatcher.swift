import Synchronization

/// Runs the job writes of many callers at once: whatever arrives while a batch runs goes into the next,
/// written by one statement (see `PostgresJobStatements`), so concurrent writes share a round trip and a
/// commit. A job appears at most once in a batch, and a batch goes in id order, so that two nodes writing
/// the same jobs lock their rows in the same order. A batch that fails is run again job by job, so that each
/// caller gets its own answer (one duplicate id fails the statement for all) — unless the failure is one that
/// no job of it could escape, such as a lost connection.
final class StatementBatcher<Item: Sendable>: Sendable {
    /// Writes the items and returns the ids of those written.
    typealias Write = @Sendable ([Item]) async throws -> Set<String>

    private struct Waiting {
        var item: Item
        var id: String
        var continuation: UnsafeContinuation<Bool, any Error>
    }

    private let waiting = Mutex<(items: [Waiting], draining: Bool)>(([], false))
    private let id: @Sendable (Item) -> String
    private let write: Write
    private let maxBatch: Int
    /// Where batches are sent from and their answers taken (nil: Swift's cooperative threads).
    private let executor: (any TaskExecutor)?
    /// Whether a batch that failed with this error is run again job by job.
    private let retriesAlone: @Sendable (any Error) -> Bool

    /// - Parameter executor: where to send batches from and take their answers. Every caller in a batch waits
    ///   on it: on the cooperative threads, the task that takes a batch's answer and sends the next waited
    ///   behind the jobs queued there.
    /// - Parameter retriesAlone: whether a batch that failed with an error is run again job by job (by default
    ///   always): not after one that every job would meet again, which would only keep its callers waiting.
    init(
        maxBatch: Int = 256, executor: (any TaskExecutor)? = nil,
        retriesAlone: @escaping @Sendable (any Error) -> Bool = { _ in true }, id: @escaping @Sendable (Item) -> String,
        write: @escaping Write
    ) {
        self.maxBatch = maxBatch
        self.executor = executor
        self.retriesAlone = retriesAlone
        self.id = id
        self.write = write
    }

    /// Writes `item` with the next batch; true when it was written.
    func submit(_ item: Item) async throws -> Bool {
        // Each item is answered exactly once, by `run`: an unchecked continuation spares every write the
        // checked one's object.
        try await withUnsafeThrowingContinuation { continuation in
            let start = waiting.withLock { waiting in
                waiting.items.append(Waiting(item: item, id: id(item), continuation: continuation))
                if waiting.draining { return false }
                waiting.draining = true
                return true
            }
            if start { Task(executorPreference: executor) { await self.drain() } }
        }
    }

    private func drain() async {
        while let batch = nextBatch() { await run(batch) }
    }

    /// The oldest waiting items, one per job, in id order; or nil (and no longer draining) when none wait.
    private func nextBatch() -> [Waiting]? {
        let batch = waiting.withLock { waiting -> [Waiting]? in
            var batch: [Waiting] = []
            var ids = Set<String>()
            var later: [Waiting] = []
            for item in waiting.items {
                if batch.count < maxBatch, ids.insert(item.id).inserted { batch.append(item) } else { later.append(item) }
            }
            waiting.items = later
            if batch.isEmpty { waiting.draining = false }
            return batch.isEmpty ? nil : batch
        }
        return batch?.sorted { $0.id < $1.id }
    }

    private func run(_ batch: [Waiting]) async {
        do {
            let written = try await write(batch.map(\.item))
            for item in batch { item.continuation.resume(returning: written.contains(item.id)) }
        } catch where batch.count > 1 && retriesAlone(error) {
            for item in batch { await run([item]) }
        } catch {
            for item in batch { item.continuation.resume(throwing: error) }
        }
    }
}
