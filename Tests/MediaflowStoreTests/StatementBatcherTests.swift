import Synchronization
import Testing

@testable import MediaflowPostgres

/// The batching of job writes, with a recording write in place of PostgreSQL (the store conformance suite
/// runs it against the real database).
@Suite struct StatementBatcherTests {
    /// A write that records its batches, holds the first until `open` is called, and writes every item
    /// but "stale", fails any batch holding "bad", and any holding "gone" as if the database had gone.
    final class RecordingWrite: Sendable {
        let batches = Mutex<[[String]]>([])
        private let gate: AsyncStream<Void>
        private let opener: AsyncStream<Void>.Continuation

        init() { (gate, opener) = AsyncStream.makeStream() }

        func open() { opener.finish() }

        @Sendable func write(_ items: [String]) async throws -> Set<String> {
            let isFirst = batches.withLock { batches in
                batches.append(items)
                return batches.count == 1
            }
            if isFirst { for await _ in gate {} }
            if items.contains("bad") { throw CancellationError() }
            if items.contains("gone") { throw DatabaseGone() }
            return Set(items.filter { $0 != "stale" })
        }
    }

    struct DatabaseGone: Error {}

    /// Starts a first batch and holds it while `items` are submitted, each from its own task.
    func submitWhileABatchRuns(_ items: [String]) async throws -> (RecordingWrite, [String: Result<Bool, any Error>]) {
        let recording = RecordingWrite()
        let batcher = StatementBatcher<String>(retriesAlone: { !($0 is DatabaseGone) }, id: { $0 }, write: recording.write)
        let first = Task { try await batcher.submit("first") }
        while recording.batches.withLock({ $0.isEmpty }) { try await Task.sleep(for: .milliseconds(1)) }
        let later = items.enumerated().map { index, item in
            Task { () -> (Int, Result<Bool, any Error>) in
                do { return (index, .success(try await batcher.submit(item))) } catch { return (index, .failure(error)) }
            }
        }
        try await Task.sleep(for: .milliseconds(200))
        recording.open()
        #expect(try await first.value)
        var results: [String: Result<Bool, any Error>] = [:]
        for task in later {
            let (index, result) = await task.value
            results["\(index):\(items[index])"] = result
        }
        return (recording, results)
    }

    @Test func whatArrivesDuringABatchIsWrittenTogetherOncePerJob() async throws {
        let (recording, results) = try await submitWhileABatchRuns(["a", "b", "a", "stale"])
        let batches = recording.batches.withLock { $0 }
        #expect(batches.count == 3)
        #expect(batches.dropFirst().first.map(Set.init) == ["a", "b", "stale"])
        #expect(batches.dropFirst().first == batches.dropFirst().first?.sorted(), "a batch goes in id order")
        #expect(batches.last == ["a"])
        #expect(try results["0:a"]?.get() == true)
        #expect(try results["2:a"]?.get() == true)
        #expect(try results["3:stale"]?.get() == false)
    }

    @Test func aFailedBatchIsWrittenAgainItemByItem() async throws {
        let (recording, results) = try await submitWhileABatchRuns(["a", "bad", "b"])
        let batches = recording.batches.withLock { $0 }
        #expect(batches.count == 5)
        #expect(batches[1].count == 3)
        #expect(Set(batches.dropFirst(2).map { $0.joined() }) == ["a", "bad", "b"])
        #expect(try results["0:a"]?.get() == true)
        #expect(try results["2:b"]?.get() == true)
        #expect(throws: CancellationError.self) { try results["1:bad"]?.get() }
    }

    @Test func aBatchThatNoJobCouldEscapeFailsAtOnce() async throws {
        let (recording, results) = try await submitWhileABatchRuns(["a", "gone", "b"])
        #expect(recording.batches.withLock { $0.count } == 2, "the failed batch was run again job by job")
        for key in ["0:a", "1:gone", "2:b"] {
            #expect(throws: DatabaseGone.self) { try results[key]?.get() }
        }
    }
}
