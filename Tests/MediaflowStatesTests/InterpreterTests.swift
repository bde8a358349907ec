import Foundation
import MediaflowStates
import Testing

/// Drives the pure interpreter by hand, the way the workflow service does, and checks each step.
struct InterpreterTests {
    static let identity = ExecutionIdentity(
        executionArn: "arn:aws:states:local:0:execution:m:e", name: "e", stateMachineArn: "arn:aws:states:local:0:stateMachine:m",
        stateMachineName: "m", roleArn: "arn:aws:iam::0:role/r"
    )

    static func machine(_ json: String) throws -> StateMachineInterpreter {
        StateMachineInterpreter(machine: try StateMachine(json: json))
    }

    static func tasks(_ step: ExecutionStep) -> [TaskInvocation] {
        step.actions.compactMap { if case .runTask(let task) = $0 { task } else { nil } }
    }

    @Test func taskResultFlowsThroughSelectorAndResultPath() throws {
        let interpreter = try Self.machine(
            """
            {"StartAt":"T","States":{"T":{"Type":"Task","Resource":"ExtractTechnicalMetadata",
              "Parameters":{"file.$":"$.path","token.$":"$$.Task.Token"},
              "ResultSelector":{"codec.$":"$.video.codec"},"ResultPath":"$.meta","End":true}}}
            """)
        var (state, step) = interpreter.start(identity: Self.identity, input: ["path": "/a.mp4"], seed: 1, now: 100)
        let task = try #require(Self.tasks(step).first)
        #expect(task.resource == "ExtractTechnicalMetadata")
        #expect(task.input == ["file": "/a.mp4", "token": .string(task.token)])
        #expect(state.status == .running)
        #expect(state.nextWakeup == nil)

        step = interpreter.handle(.taskSucceeded(token: task.token, output: ["video": ["codec": "h264"]]), in: &state, now: 101)
        #expect(state.status == .succeeded)
        #expect(state.output == ["path": "/a.mp4", "meta": ["codec": "h264"]])
        #expect(step.events.map(\.type) == ["TaskSucceeded", "TaskStateExited", "ExecutionSucceeded"])
    }

    /// Lambda functions and activities have history events of their own, as in GetExecutionHistory;
    /// service integrations show their service as `resourceType`.
    @Test(arguments: [
        ("arn:aws:lambda:eu-west-1:123456789012:function:Check", ["LambdaFunctionScheduled", "LambdaFunctionStarted"], "LambdaFunctionFailed"),
        ("arn:aws:states:eu-west-1:123456789012:activity:approve", ["ActivityScheduled"], "ActivityFailed"),
        ("arn:aws:states:::lambda:invoke", ["TaskScheduled", "TaskStarted"], "TaskFailed"),
    ])
    func taskEventsAreNamedForTheirResource(resource: String, scheduled: [String], failed: String) throws {
        let interpreter = try Self.machine(#"{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"\#(resource)","End":true}}}"#)
        var (state, step) = interpreter.start(identity: Self.identity, input: ["n": 1], seed: 1, now: 100)
        #expect(step.events.map(\.type) == ["ExecutionStarted", "TaskStateEntered"] + scheduled)
        let details = step.events.last { $0.type.hasSuffix("Scheduled") }?.details
        if resource.contains(":lambda:invoke") {
            #expect(details?["resourceType"] == "lambda")
            #expect(details?["resource"] == "invoke")
            #expect(details?["parameters"] == #"{"n":1}"#)
        } else {
            #expect(details?["resource"] == .string(resource))
            #expect(details?["input"] == #"{"n":1}"#)
        }
        let token = try #require(Self.tasks(step).first).token
        step = interpreter.handle(.taskStarted(token: token, worker: "w1"), in: &state, now: 101)
        #expect(step.events.map(\.type) == (resource.contains(":activity:") ? ["ActivityStarted"] : []))
        step = interpreter.handle(.taskFailed(token: token, error: "Boom", cause: "it broke"), in: &state, now: 102)
        #expect(step.events.first?.type == failed)
        #expect(step.events.first?.details?["error"] == "Boom")
        #expect(state.status == .failed)
    }

    @Test func retriesBackOffThenCatchRoutesTheError() throws {
        let interpreter = try Self.machine(
            """
            {"StartAt":"T","States":{
              "T":{"Type":"Task","Resource":"r","Retry":[{"ErrorEquals":["Flaky"],"IntervalSeconds":2,"BackoffRate":3,"MaxAttempts":2}],
                   "Catch":[{"ErrorEquals":["States.ALL"],"ResultPath":"$.error","Next":"Recover"}],"End":true},
              "Recover":{"Type":"Pass","End":true}}}
            """)
        var (state, step) = interpreter.start(identity: Self.identity, input: ["n": 1], seed: 1, now: 0)
        var token = try #require(Self.tasks(step).first?.token)

        _ = interpreter.handle(.taskFailed(token: token, error: "Flaky", cause: "first"), in: &state, now: 10)
        #expect(state.nextWakeup == 12)
        step = interpreter.handle(.tick, in: &state, now: 12)
        token = try #require(Self.tasks(step).first?.token)

        _ = interpreter.handle(.taskFailed(token: token, error: "Flaky", cause: "second"), in: &state, now: 20)
        #expect(state.nextWakeup == 26)
        step = interpreter.handle(.tick, in: &state, now: 26)
        token = try #require(Self.tasks(step).first?.token)

        _ = interpreter.handle(.taskFailed(token: token, error: "Flaky", cause: "third"), in: &state, now: 30)
        #expect(state.status == .succeeded)
        #expect(state.output == ["n": 1, "error": ["Error": "Flaky", "Cause": "third"]])
    }

    @Test func taskTimeoutAndHeartbeat() throws {
        let interpreter = try Self.machine(
            #"{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"r","TimeoutSeconds":60,"HeartbeatSeconds":10,"End":true}}}"#)
        var (state, step) = interpreter.start(identity: Self.identity, input: [:], seed: 1, now: 0)
        let token = try #require(Self.tasks(step).first?.token)
        #expect(state.nextWakeup == 10)
        _ = interpreter.handle(.taskHeartbeat(token: token), in: &state, now: 8)
        #expect(state.nextWakeup == 18)
        _ = interpreter.handle(.tick, in: &state, now: 12)
        #expect(state.status == .running)
        step = interpreter.handle(.tick, in: &state, now: 18)
        #expect(state.status == .failed)
        #expect(state.error?.name == "States.HeartbeatTimeout")
        #expect(step.actions == [.cancelTask(token: token)])
        #expect(!interpreter.handle(.taskSucceeded(token: token, output: [:]), in: &state, now: 19).accepted)
    }

    @Test func aFailingBranchCancelsItsSiblings() throws {
        let interpreter = try Self.machine(
            """
            {"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[
              {"StartAt":"A","States":{"A":{"Type":"Task","Resource":"a","End":true}}},
              {"StartAt":"B","States":{"B":{"Type":"Task","Resource":"b","End":true}}}]}}}
            """)
        var (state, step) = interpreter.start(identity: Self.identity, input: [:], seed: 1, now: 0)
        let tasks = Self.tasks(step)
        #expect(tasks.map(\.resource) == ["a", "b"])
        step = interpreter.handle(.taskFailed(token: tasks[0].token, error: "Boom", cause: "a broke"), in: &state, now: 1)
        #expect(state.status == .failed)
        #expect(state.error == StatesError("Boom", "a broke"))
        #expect(step.actions == [.cancelTask(token: tasks[1].token)])
        #expect(state.pendingTaskTokens.isEmpty)
    }

    @Test func mapRespectsMaxConcurrencyAndKeepsOrder() throws {
        let interpreter = try Self.machine(
            """
            {"StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrency":2,"End":true,
              "ItemSelector":{"i.$":"$$.Map.Item.Index","v.$":"$$.Map.Item.Value"},
              "ItemProcessor":{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"r","End":true}}}}}}
            """)
        var (state, step) = interpreter.start(identity: Self.identity, input: ["x", "y", "z"], seed: 1, now: 0)
        var running = Self.tasks(step)
        #expect(running.map(\.input) == [["i": 0, "v": "x"], ["i": 1, "v": "y"]])
        step = interpreter.handle(.taskSucceeded(token: running[1].token, output: "Y"), in: &state, now: 1)
        let third = Self.tasks(step)
        #expect(third.map(\.input) == [["i": 2, "v": "z"]])
        running = [running[0]] + third
        _ = interpreter.handle(.taskSucceeded(token: running[1].token, output: "Z"), in: &state, now: 2)
        _ = interpreter.handle(.taskSucceeded(token: running[0].token, output: "X"), in: &state, now: 3)
        #expect(state.output == ["X", "Y", "Z"])
    }

    @Test func executionTimeoutAndStop() throws {
        let definition = #"{"TimeoutSeconds":30,"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":3600,"End":true}}}"#
        let interpreter = try Self.machine(definition)
        var (timedOut, _) = interpreter.start(identity: Self.identity, input: [:], seed: 1, now: 0)
        #expect(timedOut.nextWakeup == 30)
        _ = interpreter.handle(.tick, in: &timedOut, now: 30)
        #expect(timedOut.status == .timedOut)

        var (stopped, _) = interpreter.start(identity: Self.identity, input: [:], seed: 1, now: 0)
        let step = interpreter.handle(.stop(error: "Operator", cause: "no longer needed"), in: &stopped, now: 5)
        #expect(stopped.status == .aborted)
        #expect(step.events.last?.type == "ExecutionAborted")
    }

    @Test func aPersistedStateResumesWhereItStopped() throws {
        let interpreter = try Self.machine(
            #"{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":5,"Next":"U"},"U":{"Type":"Pass","Parameters":{"id.$":"States.UUID()"},"End":true}}}"#)
        let (state, _) = interpreter.start(identity: Self.identity, input: [:], seed: 7, now: 0)
        let stored = try JSONEncoder().encode(state)
        var first = try JSONDecoder().decode(ExecutionState.self, from: stored)
        var second = try JSONDecoder().decode(ExecutionState.self, from: stored)
        let events = interpreter.handle(.tick, in: &first, now: 5).events
        _ = interpreter.handle(.tick, in: &second, now: 5)
        #expect(first.status == .succeeded)
        #expect(first.output == second.output, "a replay draws the same random numbers")
        #expect(events.map(\.type) == ["WaitStateExited", "PassStateEntered", "PassStateExited", "ExecutionSucceeded"])
        #expect(events.first?.id == 3)
    }
}

extension InterpreterTests {
    /// A JSONata Task: Arguments from `$states.input`, Output and Assign from `$states.result`, a Catch's Output from
    /// `$states.errorOutput`; variables assigned in a state are seen by the next.
    @Test func jsonataStatesShapeTheirTasksAndOutputs() throws {
        let interpreter = try Self.machine(
            """
            {"QueryLanguage":"JSONata","StartAt":"T","States":{
              "T":{"Type":"Task","Resource":"ExtractTechnicalMetadata",
                "Arguments":{"file":"{% $states.input.path %}","token":"{% $states.context.Task.Token %}"},
                "Assign":{"codec":"{% $states.result.video.codec %}"},
                "Output":{"path":"{% $states.input.path %}","codec":"{% $uppercase($states.result.video.codec) %}"},
                "Catch":[{"ErrorEquals":["States.ALL"],"Output":{"failed":"{% $states.errorOutput.Error %}"},"Next":"F"}],
                "Next":"S"},
              "S":{"Type":"Succeed","Output":"{% {'assigned': $codec, 'input': $states.input.codec} %}"},
              "F":{"Type":"Succeed"}}}
            """)
        var (state, step) = interpreter.start(identity: Self.identity, input: ["path": "/a.mp4"], seed: 1, now: 100)
        let task = try #require(Self.tasks(step).first)
        #expect(task.input == ["file": "/a.mp4", "token": .string(task.token)])
        _ = interpreter.handle(.taskSucceeded(token: task.token, output: ["video": ["codec": "h264"]]), in: &state, now: 101)
        #expect(state.status == .succeeded)
        #expect(state.output == ["assigned": "h264", "input": "H264"])

        (state, step) = interpreter.start(identity: Self.identity, input: ["path": "/b.mp4"], seed: 1, now: 100)
        let failing = try #require(Self.tasks(step).first)
        _ = interpreter.handle(.taskFailed(token: failing.token, error: "Boom", cause: "it broke"), in: &state, now: 101)
        #expect(state.status == .succeeded)
        #expect(state.output == ["failed": "Boom"])
    }

    /// Numbers beyond what an integer holds (1e300 seconds, attempts, a concurrency) are read as the largest there is:
    /// converting them stopped the process, and with it the node, on every replay of the execution.
    @Test func enormousNumbersAreNotFatal() throws {
        let interpreter = try Self.machine(
            """
            {"StartAt":"W","States":{
              "W":{"Type":"Wait","SecondsPath":"$.seconds","Next":"M"},
              "M":{"Type":"Map","MaxConcurrencyPath":"$.seconds","ItemsPath":"$.items",
                "ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}
            """)
        var (state, _) = interpreter.start(identity: Self.identity, input: ["seconds": 1e300, "items": [1]], seed: 1, now: 100)
        #expect(state.status == .running)
        let wakeup = try #require(state.nextWakeup)
        #expect(wakeup > 1e15)
        _ = interpreter.handle(.tick, in: &state, now: wakeup)
        #expect(state.status == .succeeded)
        #expect(state.output == [1])
    }

    /// A range is counted before it is made: `States.ArrayRange(1, 1000000000, 1)` (or JSONata's `$range`) was made
    /// whole, a billion numbers, before its 1,000 were checked, and held the node.
    @Test func aRangeTooLongFailsBeforeItIsMade() throws {
        func run(_ ranges: JSONValue, jsonata: Bool = false) throws -> ExecutionState {
            let language = jsonata ? #""QueryLanguage":"JSONata","# : ""
            let field = jsonata ? #""Output":"# : #""Parameters":"#
            let interpreter = try Self.machine(
                #"{\#(language)"StartAt":"P","States":{"P":{"Type":"Pass",\#(field)\#(JSONText.serialize(ranges)),"End":true}}}"#)
            return interpreter.start(identity: Self.identity, input: [:], seed: 1, now: 100).0
        }
        for tooLong in [try run(["r.$": "States.ArrayRange(1, 1000000000, 1)"]), try run(["r": "{% $range(1, 1000000000, 1) %}"], jsonata: true)] {
            #expect(tooLong.status == .failed)
            #expect(tooLong.error?.cause.contains("more than 1000") == true, "\(String(describing: tooLong.error))")
        }
        let fitting = try run([
            "full.$": "States.ArrayRange(1, 1000, 1)", "down.$": "States.ArrayRange(10, 1, -3)",
            "none.$": "States.ArrayRange(1, 0, 1)", "one.$": "States.ArrayRange(5, 6, 2)",
        ])
        #expect(fitting.output?["full"]?.arrayValue?.count == 1000)
        #expect(fitting.output?["down"] == [10, 7, 4, 1])
        #expect(fitting.output?["none"] == [])
        #expect(fitting.output?["one"] == [5])
    }

    /// A loop of states that never waits ends at the history's limit of 25,000 events, as in Step Functions, the
    /// last being `ExecutionFailed`: it ran on for ever, holding the node that ran it.
    @Test func aLoopThatNeverWaitsFailsAtTheHistorysLimit() throws {
        let interpreter = try Self.machine(
            """
            {"StartAt":"Again","States":{
              "Again":{"Type":"Pass","Next":"Check"},
              "Check":{"Type":"Choice","Choices":[{"Variable":"$.stop","BooleanEquals":true,"Next":"Done"}],"Default":"Again"},
              "Done":{"Type":"Succeed"}}}
            """)
        let (state, step) = interpreter.start(identity: Self.identity, input: ["stop": false], seed: 1, now: 100)
        #expect(state.status == .failed)
        #expect(state.error?.name == "States.Runtime")
        #expect(step.events.count == 25_000)
        #expect(step.events.last?.type == "ExecutionFailed")
        #expect(step.events.last?.id == 25_000)
    }

    /// Parameters, the input and intrinsic functions keep members in the order they were written, as Step
    /// Functions does: an output reads as its definition and its input were written.
    @Test func outputsKeepTheirMembersInTheOrderWritten() throws {
        let machine = try StateMachine(json: #"""
            {"StartAt":"P","States":{"P":{"Type":"Pass","End":true,"Parameters":{
              "zeta.$":"$.b","alpha":1,"text.$":"States.JsonToString($)","merged.$":"States.JsonMerge($.x, $.y, false)"}}}}
            """#)
        let input = JSONText.parse(#"{"b":2,"x":{"q":1,"p":2},"y":{"r":3,"q":4}}"#)!
        let state = ConformanceRunner.runToCompletion(machine, input: input)
        #expect(
            state.output.map(JSONText.serialize)
                == #"{"zeta":2,"alpha":1,"text":"{\"b\":2,\"x\":{\"q\":1,\"p\":2},\"y\":{\"r\":3,\"q\":4}}","merged":{"q":4,"p":2,"r":3}}"#)
    }
}
