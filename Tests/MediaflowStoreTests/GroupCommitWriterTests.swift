import Foundation
import GRDB
import MediaflowTesting
import Synchronization
import Testing

@testable import MediaflowSQLite

@Suite struct GroupCommitWriterTests {
    /// Writes that wait while another commits share the next transaction; one of them that throws after
    /// writing leaves nothing behind, and the others are committed: the group is written again, each write
    /// in a savepoint.
    @Test func aWriteThatThrowsAfterWritingIsUndoneAloneFromItsGroup() async throws {
        let (names, results, runsOfA) = try await writeAsAGroup(refusal: .afterWriting)
        #expect((try? results[0].get()) != nil)
        #expect(throws: Refused.self) { try results[1].get() }
        #expect((try? results[2].get()) != nil)
        #expect(names == ["a", "b", "first"])
        #expect(runsOfA == 2)
    }

    /// A write that throws before it changes anything costs its group nothing: the group is written once.
    @Test func aWriteRefusedBeforeWritingLeavesItsGroupAsItWas() async throws {
        let (names, results, runsOfA) = try await writeAsAGroup(refusal: .beforeWriting)
        #expect(throws: Refused.self) { try results[1].get() }
        #expect(names == ["a", "b", "first"])
        #expect(runsOfA == 1)
    }

    struct Refused: Error {}
    enum Refusal: Sendable { case beforeWriting, afterWriting }
    final class Counter: Sendable {
        private let count = Atomic<Int>(0)
        func add() { count.add(1, ordering: .sequentiallyConsistent) }
        var value: Int { count.load(ordering: .sequentiallyConsistent) }
    }

    /// Holds the writer in a first write while "a", "bad" and "b" are submitted, so that they share the next
    /// transaction; "bad" throws. Answers the names written, the three results, and how often "a" ran.
    func writeAsAGroup(refusal: Refusal) async throws -> ([String], [Result<Void, any Error>], Int) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mediaflow-group-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let pool = try DatabasePool(path: directory.appendingPathComponent("group.sqlite").path)
        try await pool.write { db in try db.execute(sql: "CREATE TABLE item (name TEXT NOT NULL)") }
        let writer = GroupCommitWriter(pool: pool)

        let running = Atomic<Bool>(false)
        let runsOfA = Counter()
        let release = DispatchSemaphore(value: 0)
        let first = Task {
            try await writer.write { db in
                running.store(true, ordering: .sequentiallyConsistent)
                release.wait()
                try db.execute(sql: "INSERT INTO item VALUES ('first')")
            }
        }
        while !running.load(ordering: .sequentiallyConsistent) { try await Task.sleep(for: .milliseconds(1)) }
        let group = ["a", "bad", "b"].map { name in
            Task { () -> Result<Void, any Error> in
                do {
                    return .success(
                        try await writer.write { db in
                            if name == "a" { runsOfA.add() }
                            if name == "bad", refusal == .beforeWriting { throw Refused() }
                            try db.execute(sql: "INSERT INTO item VALUES (?)", arguments: [name])
                            if name == "bad" { throw Refused() }
                        })
                } catch {
                    return .failure(error)
                }
            }
        }
        // All three wait for the next group before the first write ends, however slowly their tasks start.
        try await eventually("the three writes to wait for the next group") { writer.waiting == 3 }
        release.signal()
        try await first.value
        var results: [Result<Void, any Error>] = []
        for task in group { results.append(await task.value) }
        let names = try await pool.read { db in try String.fetchAll(db, sql: "SELECT name FROM item ORDER BY name") }
        return (names, results, runsOfA.value)
    }
}
