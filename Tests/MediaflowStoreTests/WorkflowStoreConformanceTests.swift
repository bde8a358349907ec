import Foundation
import MediaflowStore
import Testing

/// The workflow half of the store protocol, on every driver.
@Suite struct WorkflowStoreConformanceTests {
    static func execution(_ name: String, machine: String = "m", version: Int = 0, wakeup: Double? = nil, status: String = "RUNNING")
        -> ExecutionRecord
    {
        ExecutionRecord(
            arn: "arn:e:\(machine):\(name)", stateMachineArn: "arn:sm:\(machine)", name: name, status: status,
            startedAt: now.addingTimeInterval(0.25), stoppedAt: nil, state: Data(#"{"v":\#(version)}"#.utf8), version: version,
            nextWakeup: wakeup)
    }

    static func write(_ record: ExecutionRecord, events: ClosedRange<Int>? = nil, tasks: [WorkflowTaskRecord] = [], closing: [String] = [])
        -> ExecutionWrite
    {
        ExecutionWrite(
            record: record, events: (events.map(Array.init) ?? []).map { (id: $0, document: Data("event \($0)".utf8)) },
            newTasks: tasks, closedTasks: closing)
    }

    static func task(_ token: String, _ execution: ExecutionRecord, resource: String = "r", status: WorkflowTaskRecord.Status = .pending)
        -> WorkflowTaskRecord
    {
        WorkflowTaskRecord(token: token, executionArn: execution.arn, resource: resource, input: Data(#"{"t":"\#(token)"}"#.utf8), status: status)
    }

    @Test(arguments: Driver.allCases) func stateMachinesAndActivitiesHaveUniqueNames(driver: Driver) async throws {
        try await driver.withStore { jobStore in
            let store = try #require(jobStore as? any WorkflowStore)
            let machine = StateMachineRecord(arn: "arn:sm:b", name: "b", definition: "{}", roleArn: "role", createdAt: now.addingTimeInterval(0.5))
            try await store.createStateMachine(machine)
            try await store.createStateMachine(StateMachineRecord(arn: "arn:sm:a", name: "a", definition: "{}", roleArn: "role", createdAt: now))
            await #expect(throws: StoreError.self) { try await store.createStateMachine(machine) }
            #expect(try await store.stateMachine(arn: "arn:sm:b") == machine)
            #expect(try await store.stateMachines().map(\.name) == ["a", "b"])
            try await store.deleteStateMachine(arn: "arn:sm:b")
            #expect(try await store.stateMachine(arn: "arn:sm:b") == nil)
            await #expect(throws: StoreError.self) { try await store.deleteStateMachine(arn: "arn:sm:b") }

            try await store.createActivity(arn: "arn:act:y", name: "y", createdAt: now)
            try await store.createActivity(arn: "arn:act:x", name: "x", createdAt: now)
            await #expect(throws: StoreError.self) { try await store.createActivity(arn: "arn:act:x2", name: "x", createdAt: now) }
            #expect(try await store.activities().map(\.name) == ["x", "y"])
        }
    }

    @Test(arguments: Driver.allCases) func anExecutionChangesOnlyAtTheVersionItWasReadAt(driver: Driver) async throws {
        try await driver.withStore { jobStore in
            let store = try #require(jobStore as? any WorkflowStore)
            let first = Self.execution("one", wakeup: 50)
            try await store.insertExecution(Self.write(first, events: 1...3))
            await #expect(throws: StoreError.self) { try await store.insertExecution(Self.write(first)) }
            #expect(try await store.execution(arn: first.arn) == first)

            var next = first
            next.version = 1
            next.status = "SUCCEEDED"
            next.stoppedAt = now.addingTimeInterval(9.5)
            next.nextWakeup = nil
            try await store.updateExecution(Self.write(next, events: 4...5))
            await #expect(throws: StoreError.self) { try await store.updateExecution(Self.write(next, events: 6...6)) }
            #expect(try await store.execution(arn: first.arn) == next)
            #expect(try await store.history(arn: first.arn, after: 0, limit: 100).count == 5, "the refused write added no event")
            #expect(try await store.history(arn: first.arn, after: 2, limit: 2) == [Data("event 3".utf8), Data("event 4".utf8)])

            try await store.insertExecution(Self.write(Self.execution("two", wakeup: 20)))
            try await store.insertExecution(Self.write(Self.execution("three", machine: "other", wakeup: 10)))
            #expect(try await store.executions(stateMachineArn: nil, status: nil, limit: 10).map(\.name) == ["three", "two", "one"])
            #expect(try await store.executions(stateMachineArn: "arn:sm:m", status: nil, limit: 10).map(\.name) == ["two", "one"])
            #expect(try await store.executions(stateMachineArn: nil, status: "SUCCEEDED", limit: 10).map(\.name) == ["one"])
            #expect(try await store.dueExecutions(at: 20, limit: 10) == ["arn:e:other:three", "arn:e:m:two"])
            #expect(try await store.dueExecutions(at: 15, limit: 10) == ["arn:e:other:three"])
        }
    }

    @Test(arguments: Driver.allCases) func retentionDeletesExecutionsThatEndedBeforeTheCutoff(driver: Driver) async throws {
        try await driver.withStore { jobStore in
            let store = try #require(jobStore as? any WorkflowStore)
            var old = Self.execution("old", status: "SUCCEEDED")
            old.stoppedAt = now.addingTimeInterval(-10 * 86_400)
            var recent = Self.execution("recent", status: "FAILED")
            recent.stoppedAt = now.addingTimeInterval(-3600)
            let running = Self.execution("running")
            try await store.insertExecution(Self.write(old, events: 1...4, tasks: [Self.task("t-old", old)]))
            try await store.insertExecution(Self.write(recent, events: 1...2))
            try await store.insertExecution(Self.write(running, events: 1...2))
            #expect(try await store.purgeExecutions(stoppedBefore: now.addingTimeInterval(-86_400)) == 1)
            #expect(try await store.execution(arn: old.arn) == nil)
            #expect(try await store.history(arn: old.arn, after: 0, limit: 10).isEmpty)
            #expect(try await store.task(token: "t-old") == nil)
            #expect(try await store.executions(stateMachineArn: nil, status: nil, limit: 10).map(\.name) == ["running", "recent"])
            #expect(try await store.history(arn: recent.arn, after: 0, limit: 10).count == 2)
        }
    }

    @Test(arguments: Driver.allCases) func tasksAreHandedOverOnceUnlessTheirLeaseRunsOut(driver: Driver) async throws {
        try await driver.withStore { jobStore in
            let store = try #require(jobStore as? any WorkflowStore)
            let execution = Self.execution("e")
            let activity = "arn:activity:approve"
            try await store.insertExecution(
                Self.write(
                    execution,
                    tasks: [
                        Self.task("t1", execution), Self.task("t2", execution), Self.task("a1", execution, resource: activity, status: .queued),
                        Self.task("a2", execution, resource: activity, status: .queued),
                    ]))
            let lease = Lease(owner: "node-1", until: now.addingTimeInterval(30))
            let claimed = try await store.claimPendingTasks(lease: lease, now: now, limit: 10)
            #expect(Set(claimed.map(\.token)) == ["t1", "t2"])
            #expect(claimed.first { $0.token == "t1" } == Self.task("t1", execution))
            #expect(try await store.claimPendingTasks(lease: lease, now: now.addingTimeInterval(10), limit: 10).isEmpty, "leased")

            try await store.setTaskLeases(tokens: ["t1"], until: now.addingTimeInterval(60))
            #expect(try await store.markTaskDispatched(token: "t2", handle: "http://repo/Job/1"))
            #expect(try await !store.markTaskDispatched(token: "gone", handle: "http://repo/Job/2"), "a task given up")
            #expect(try await store.task(token: "t2")?.status == .dispatched)
            #expect(try await store.task(token: "t2")?.handle == "http://repo/Job/1")
            let later = Lease(owner: "node-2", until: now.addingTimeInterval(80))
            #expect(try await store.claimPendingTasks(lease: later, now: now.addingTimeInterval(40), limit: 10).isEmpty, "renewed or handed over")
            #expect(try await store.claimPendingTasks(lease: later, now: now.addingTimeInterval(61), limit: 10).map(\.token) == ["t1"], "taken over")
            try await store.setTaskLeases(tokens: ["t1"], until: Date(timeIntervalSince1970: 0))
            #expect(try await store.claimPendingTasks(lease: later, now: now.addingTimeInterval(62), limit: 10).map(\.token) == ["t1"], "given back")

            let first = try await store.claimActivityTask(resource: activity, worker: "w1")
            #expect(first?.token == "a1")
            #expect(first?.worker == "w1")
            #expect(try await store.claimActivityTask(resource: activity, worker: "w2")?.token == "a2")
            #expect(try await store.claimActivityTask(resource: activity, worker: "w3") == nil)
            #expect(try await store.claimActivityTask(resource: "arn:activity:other", worker: "w1") == nil)

            var next = execution
            next.version = 1
            let closed = try await store.updateExecution(Self.write(next, closing: ["t1", "a1", "t2", "gone"]))
            #expect(closed.map(\.token).sorted() == ["a1", "t1", "t2"])
            #expect(closed.first { $0.token == "t2" }?.handle == "http://repo/Job/1", "closed as it was deleted")
            #expect(try await store.task(token: "t1") == nil)
            #expect(try await store.task(token: "a1") == nil)
            #expect(try await store.task(token: "a2")?.worker == "w2")
        }
    }
}
