import Foundation
import GRDB
import Synchronization
import Testing

@testable import MediaflowSQLite

@Suite struct GroupCommitWriterTests {
    struct Refused: Error {}

    /// Writes that wait while another commits share the next transaction; one of them that throws after
    /// writing leaves nothing behind, and the others are committed.
    @Test func aWriteThatThrowsIsUndoneAloneFromItsGroup() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mediaflow-group-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let pool = try DatabasePool(path: directory.appendingPathComponent("group.sqlite").path)
        try await pool.write { db in try db.execute(sql: "CREATE TABLE item (name TEXT NOT NULL)") }
        let writer = GroupCommitWriter(pool: pool)

        let running = Atomic<Bool>(false)
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
                            try db.execute(sql: "INSERT INTO item VALUES (?)", arguments: [name])
                            if name == "bad" { throw Refused() }
                        })
                } catch {
                    return .failure(error)
                }
            }
        }
        try await Task.sleep(for: .milliseconds(200))
        release.signal()
        try await first.value
        let results = await group.asyncMap { await $0.value }
        #expect((try? results[0].get()) != nil)
        #expect(throws: Refused.self) { try results[1].get() }
        #expect((try? results[2].get()) != nil)
        let names = try await pool.read { db in try String.fetchAll(db, sql: "SELECT name FROM item ORDER BY name") }
        #expect(names == ["a", "b", "first"])
    }
}

extension Array {
    fileprivate func asyncMap<T>(_ transform: (Element) async -> T) async -> [T] {
        var results: [T] = []
        for element in self { results.append(await transform(element)) }
        return results
    }
}
