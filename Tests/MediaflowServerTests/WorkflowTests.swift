import AsyncHTTPClient
import Foundation
import MediaflowServer
import MediaflowStates
import MediaflowTesting
import NIOCore
import NIOHTTP1
import Testing

/// Workflows over real HTTP against a real server: REST routes, the Step Functions JSON protocol,
/// job tasks run by the built-in services, activities, and recovery after `kill -9`.
@Suite(.serialized) struct WorkflowTests {
    static func call(_ base: String, _ method: HTTPMethod, _ path: String, _ body: JSONValue? = nil, target: String? = nil)
        async throws -> (Int, JSONValue)
    {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        if let target { request.headers.add(name: "X-Amz-Target", value: "AWSStepFunctions.\(target)") }
        if let body { request.body = .bytes(ByteBuffer(string: JSONText.serialize(body))) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(70))
        let text = String(buffer: try await response.body.collect(upTo: 1 << 24))
        return (Int(response.status.code), JSONText.parse(text) ?? .null)
    }

    /// Polls `GET path` until `done` holds for the answer, for up to 20 s.
    static func poll(_ base: String, _ path: String, until done: (JSONValue) -> Bool) async throws -> JSONValue {
        // Generous: beside the whole suite, an execution running local commands has taken over 20 s.
        let deadline = ContinuousClock.now + .seconds(60)
        while true {
            let answer = try await call(base, .GET, path).1
            if done(answer) || ContinuousClock.now > deadline { return answer }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    static func finished(_ base: String, _ path: String) async throws -> JSONValue {
        try await poll(base, path) { $0["status"] != "RUNNING" }
    }

    @Test func aStateMachineRunsJobsAndActivitiesAndKeepsItsHistory() async throws {
        try await withServer { server in
            let base = server.baseURL
            let definition: JSONValue = [
                "StartAt": "Job",
                "States": [
                    "Job": ["Type": "Task", "Resource": "NoOp", "ResultSelector": ["status.$": "$.jobStatus"], "ResultPath": "$.job", "Next": "Ask"],
                    "Ask": [
                        "Type": "Task", "Resource": "arn:aws:states:local:000000000000:activity:approve", "ResultPath": "$.answer",
                        "Next": "Route",
                    ],
                    "Route": [
                        "Type": "Choice", "Choices": [["Variable": "$.answer.ok", "BooleanEquals": true, "Next": "Done"]],
                        "Default": "Rejected",
                    ],
                    "Rejected": ["Type": "Fail", "Error": "Rejected"],
                    "Done": ["Type": "Succeed"],
                ],
            ]
            var (status, body) = try await Self.call(base, .POST, "/StateMachine", ["name": "review", "definition": definition])
            #expect(status == 201)
            (status, body) = try await Self.call(base, .POST, "/Activity", ["name": "approve"])
            #expect(status == 201)
            (status, body) = try await Self.call(base, .POST, "/Execution", ["stateMachine": "review", "name": "r1", "input": ["clip": "a"]])
            #expect(status == 201)
            #expect(body["executionArn"] == "arn:aws:states:local:000000000000:execution:review:r1")

            let task = try await Self.poll(base, "/Activity/approve/task?worker=test") { $0["taskToken"] != nil }
            #expect(task["input"] == #"{"clip":"a","job":{"status":"COMPLETED"}}"#)
            let token = try #require(task["taskToken"]?.stringValue)
            (status, _) = try await Self.call(base, .POST, "/WorkflowTask/\(token)/success", ["ok": true])
            #expect(status == 204)
            (status, body) = try await Self.call(base, .POST, "/WorkflowTask/\(token)/success", ["ok": true])
            #expect(status == 409, "a task completes once")

            let described = try await Self.finished(base, "/Execution/review/r1")
            #expect(described["status"] == "SUCCEEDED")
            #expect(described["output"] == #"{"clip":"a","job":{"status":"COMPLETED"},"answer":{"ok":true}}"#, "members keep their order")
            let history = try await Self.call(base, .GET, "/Execution/review/r1/history").1
            let types = history["events"]?.arrayValue?.compactMap { $0["type"]?.stringValue }
            #expect(types?.first == "ExecutionStarted")
            #expect(types?.last == "ExecutionSucceeded")
            #expect(types?.filter { $0.hasPrefix("Task") } == ["TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskStateExited", "TaskStateEntered", "TaskStateExited"])
            #expect(types?.filter { $0.hasPrefix("Activity") } == ["ActivityScheduled", "ActivityStarted", "ActivitySucceeded"])
            let started = history["events"]?.arrayValue?.first { $0["type"] == "ActivityStarted" }
            #expect(started?["activityStartedEventDetails"]?["workerName"] == "test")
            let ids = history["events"]?.arrayValue?.compactMap { $0["id"]?.numberValue }
            #expect(ids == (1...(ids?.count ?? 0)).map(Double.init))
        }
    }

    /// A state machine written in JSONata runs a job: Arguments make the job from the input, Output reads the
    /// finished job from `$states.result`, and a Choice's Condition routes on it.
    @Test func aJSONataStateMachineRunsAJob() async throws {
        try await withServer { server in
            let base = server.baseURL
            let definition: JSONValue = [
                "QueryLanguage": "JSONata", "StartAt": "Probe",
                "States": [
                    "Probe": [
                        "Type": "Task", "Resource": "NoOp", "Next": "Check",
                        "Arguments": ["jobInput": ["note": "{% 'clip ' & $states.input.clip %}"]],
                        "Output": ["clip": "{% $states.input.clip %}", "status": "{% $states.result.jobStatus %}",
                                   "note": "{% $states.result.jobInput.note %}"],
                    ],
                    "Check": [
                        "Type": "Choice", "Default": "Failed",
                        "Choices": [["Condition": "{% $states.input.status = 'COMPLETED' %}", "Next": "Done"]],
                    ],
                    "Done": ["Type": "Succeed"],
                    "Failed": ["Type": "Fail", "Error": "{% 'Job' & $states.input.status %}"],
                ],
            ]
            #expect(try await Self.call(base, .POST, "/StateMachine", ["name": "probe", "definition": definition]).0 == 201)
            #expect(try await Self.call(base, .POST, "/Execution", ["stateMachine": "probe", "name": "p1", "input": ["clip": "a"]]).0 == 201)
            let described = try await Self.finished(base, "/Execution/probe/p1")
            #expect(described["status"] == "SUCCEEDED", "\(described)")
            #expect(described["output"] == #"{"clip":"a","status":"COMPLETED","note":"clip a"}"#)
        }
    }

    /// Like a job, an execution's `ETag` is its version, and a reader can wait for it to change; its history can be
    /// read on from the last event seen.
    @Test func aReaderWaitsForTheExecutionToChange() async throws {
        try await withServer { server in
            let base = server.baseURL
            let http = RawHTTP(baseURL: base)
            let gate = "arn:aws:states:local:000000000000:activity:gate"
            let definition: JSONValue = ["StartAt": "Ask", "States": ["Ask": ["Type": "Task", "Resource": .string(gate), "End": true]]]
            #expect(try await Self.call(base, .POST, "/StateMachine", ["name": "gated", "definition": definition]).0 == 201)
            #expect(try await Self.call(base, .POST, "/Activity", ["name": "gate"]).0 == 201)
            #expect(try await Self.call(base, .POST, "/Execution", ["stateMachine": "gated", "name": "g1"]).0 == 201)
            let task = try await Self.poll(base, "/Activity/gate/task?worker=test") { $0["taskToken"] != nil }
            let token = try #require(task["taskToken"]?.stringValue)

            let path = "/Execution/gated/g1"
            let read = try await http.get(path)
            #expect(read.json["status"] == "RUNNING")
            let tag = try #require(read.headers["etag"])
            #expect(try await http.get(path, headers: [("If-None-Match", tag)]).status == 304)
            let waiting = Task { try await http.get(path, headers: [("If-None-Match", tag), ("Prefer", "wait=30")]) }
            try await Task.sleep(for: .milliseconds(300))
            let answering = ContinuousClock.now
            #expect(try await Self.call(base, .POST, "/WorkflowTask/\(token)/success", ["ok": true]).0 == 204)
            let changed = try await waiting.value
            #expect(ContinuousClock.now - answering < .seconds(10), "answered at the change, not after 30 s")
            #expect(changed.status == 200)
            #expect(changed.headers["etag"] != tag)
            #expect(changed.json["status"] == "SUCCEEDED")
            #expect(changed.headers["preference-applied"] == "wait=30")

            let history = try await http.get(path + "/history").json["events"]?.arrayValue ?? []
            let later = try await http.get(path + "/history?nextToken=3").json["events"]?.arrayValue ?? []
            #expect(history.count > 4)
            #expect(later.map { $0["id"] } == history.dropFirst(3).map { $0["id"] })
            let refused = try await http.get(path + "/history?nextToken=x")
            #expect(refused.status == 422)
            #expect(refused.json["pointer"] == "/nextToken")
            #expect(try await http.get("/Execution/gated/nope", headers: [("If-None-Match", tag), ("Prefer", "wait=1")]).status == 404)
        }
    }

    @Test func theStepFunctionsProtocolAnswersLikeStepFunctions() async throws {
        try await withServer { server in
            let base = server.baseURL
            let definition = #"{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"sum.$":"States.MathAdd($.a, $.b)"},"End":true}}}"#
            var (status, body) = try await Self.call(
                base, .POST, "/", ["name": "adder", "definition": .string(definition), "roleArn": "arn:aws:iam::0:role/r"],
                target: "CreateStateMachine")
            #expect(status == 200)
            let machine = try #require(body["stateMachineArn"]?.stringValue)
            (status, body) = try await Self.call(
                base, .POST, "/", ["stateMachineArn": .string(machine), "input": #"{"a":2,"b":3}"#], target: "StartExecution")
            let execution = try #require(body["executionArn"]?.stringValue)
            (status, body) = try await Self.call(base, .POST, "/", ["executionArn": .string(execution)], target: "DescribeExecution")
            #expect(body["status"] == "SUCCEEDED")
            #expect(body["output"] == #"{"sum":5}"#)

            (status, body) = try await Self.call(
                base, .POST, "/", ["name": "broken", "definition": #"{"StartAt":"X","States":{}}"#], target: "CreateStateMachine")
            #expect(status == 400)
            #expect(body["__type"] == "InvalidDefinition")
            (status, body) = try await Self.call(base, .POST, "/", ["executionArn": "nope"], target: "DescribeExecution")
            #expect(body["__type"] == "ExecutionDoesNotExist")
            (status, body) = try await Self.call(
                base, .POST, "/StateMachine", ["name": "bad", "definition": ["StartAt": "A", "States": ["A": ["Type": "Pass", "Next": "B"]]]])
            #expect(status == 422)
            #expect(body["pointer"] == "/definition/States/A/Next")
        }
    }

    @Test func anExecutionWaitingWhenTheServerIsKilledFinishesAfterRestart() async throws {
        let folder = MediaFixtures.temporaryDirectory()
        let port = try FreePort.pick()
        let arguments = ["--data-dir", folder.appendingPathComponent("data").path]
        let log = folder.appendingPathComponent("server.log")
        let first = try ServerProcess(port: port, arguments: arguments, log: log)
        try await waitForHealth(first.baseURL)
        let base = first.baseURL
        let definition: JSONValue = [
            "StartAt": "Wait",
            "States": [
                "Wait": ["Type": "Wait", "Seconds": 2, "Next": "Stamp"],
                "Stamp": ["Type": "Pass", "Parameters": ["waited.$": "$.n"], "End": true],
            ],
        ]
        _ = try await Self.call(base, .POST, "/StateMachine", ["name": "sleepy", "definition": definition])
        let (status, _) = try await Self.call(base, .POST, "/Execution", ["stateMachine": "sleepy", "name": "s1", "input": ["n": 7]])
        #expect(status == 201)
        await first.crash()

        let second = try ServerProcess(port: port, arguments: arguments, log: log)
        try await stoppedAfter([second]) {
            try await waitForHealth(second.baseURL)
            let described = try await Self.finished(base, "/Execution/sleepy/s1")
            #expect(described["status"] == "SUCCEEDED")
            #expect(described["output"] == #"{"waited":7}"#)
        }
    }
}

/// Workflows on PostgreSQL, with two nodes sharing the database: either node takes any request.
@Suite(.serialized) struct WorkflowClusterTests {
    @Test func twoNodesOnPostgreSQLRunOneExecutionTogether() async throws {
        try await TestDatabase.withFreshSchema(prefix: "workflows") { database in
            var configurations: [ServerConfiguration] = []
            for _ in 0..<2 {
                var configuration = try TestServer.configuration()
                configuration.database = database
                configurations.append(configuration)
            }
            try await withServers(configurations) { servers in
                let (first, second) = (servers[0].baseURL, servers[1].baseURL)
                let definition: JSONValue = [
                    "StartAt": "Job",
                    "States": [
                        "Job": ["Type": "Task", "Resource": "NoOp", "ResultSelector": ["status.$": "$.jobStatus"], "ResultPath": "$.job", "Next": "Nap"],
                        "Nap": ["Type": "Wait", "Seconds": 1, "Next": "Ask"],
                        "Ask": ["Type": "Task", "Resource": "arn:aws:states:local:000000000000:activity:sign-off", "ResultPath": "$.answer", "End": true],
                    ],
                ]
                var (status, _) = try await WorkflowTests.call(first, .POST, "/StateMachine", ["name": "shared", "definition": definition])
                #expect(status == 201)
                (status, _) = try await WorkflowTests.call(first, .POST, "/Activity", ["name": "sign-off"])
                #expect(status == 201)
                (status, _) = try await WorkflowTests.call(second, .POST, "/Execution", ["stateMachine": "shared", "name": "x1", "input": ["n": 1]])
                #expect(status == 201, "the other node knows the state machine from the database")

                let task = try await WorkflowTests.poll(first, "/Activity/sign-off/task?worker=w") { $0["taskToken"] != nil }
                #expect(task["input"] == #"{"n":1,"job":{"status":"COMPLETED"}}"#)
                let token = try #require(task["taskToken"]?.stringValue)
                (status, _) = try await WorkflowTests.call(second, .POST, "/WorkflowTask/\(token)/success", ["ok": true])
                #expect(status == 204)
                let described = try await WorkflowTests.finished(first, "/Execution/shared/x1")
                #expect(described["status"] == "SUCCEEDED")
                #expect(described["output"] == #"{"n":1,"job":{"status":"COMPLETED"},"answer":{"ok":true}}"#)
                let history = try await WorkflowTests.call(second, .GET, "/Execution/shared/x1/history").1
                let types = history["events"]?.arrayValue?.compactMap { $0["type"]?.stringValue } ?? []
                #expect(types.last == "ExecutionSucceeded")
                #expect(try await servers[1].client.jobs(["profile": "NoOp"]).jobs.count == 1, "the job task was handed over once")
            }
        }
    }
}
