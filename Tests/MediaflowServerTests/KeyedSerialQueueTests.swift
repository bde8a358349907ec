import Synchronization
import Testing

@testable import MediaflowServer

/// Changes of one job through a remote repository take turns.
@Suite struct KeyedSerialQueueTests {
    @Test func operationsOnOneKeyTakeTurns() async {
        let queue = KeyedSerialQueue()
        let log = Log()
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<40 {
                let key = index % 2 == 0 ? "job-a" : "job-b"
                group.addTask {
                    await queue.run(key) {
                        log.state.withLock { log in
                            log.running[key, default: 0] += 1
                            log.most[key] = max(log.most[key, default: 0], log.running[key]!)
                            log.done += 1
                        }
                        try? await Task.sleep(for: .milliseconds(2))
                        log.state.withLock { $0.running[key]! -= 1 }
                    }
                }
            }
        }
        let result = log.state.withLock { $0 }
        #expect(result.most == ["job-a": 1, "job-b": 1])
        #expect(result.done == 40)
    }

    @Test func anOperationThatThrowsLetsTheNextOneRun() async throws {
        struct Failure: Error {}
        let queue = KeyedSerialQueue()
        await #expect(throws: Failure.self) { try await queue.run("job") { throw Failure() } }
        #expect(await queue.run("job") { 42 } == 42)
    }
}

/// What the operations of the test above saw: how many ran at once per key, at most, and how many ran.
private final class Log: Sendable {
    let state = Mutex<(running: [String: Int], most: [String: Int], done: Int)>(([:], [:], 0))
}
