import Foundation
import MediaflowModel
import MediaflowServer
import MediaflowStates
import MediaflowTesting
import Testing

/// State machines written for AWS run unchanged: their Lambda functions are bound by the functions
/// file to local commands (JSON on stdin and stdout) and HTTP endpoints.
@Suite(.serialized) struct WorkflowFunctionTests {
    /// Seed 002's JobStatusPollerStateMachine.json, placeholders and all: submit a batch job, wait,
    /// poll its status until it is SUCCEEDED or FAILED.
    static let jobStatusPoller: JSONValue = [
        "Comment": "An example of the Amazon States Language that runs an AWS Batch job and monitors the job until it completes.",
        "StartAt": "Submit Job",
        "States": [
            "Submit Job": [
                "Type": "Task", "Resource": "arn:aws:lambda:REGION:ACCOUNT_ID:function:SubmitJobFunction",
                "ResultPath": "$.guid", "Next": "Wait X Seconds",
            ],
            "Wait X Seconds": ["Type": "Wait", "SecondsPath": "$.wait_time", "Next": "Get Job Status"],
            "Get Job Status": [
                "Type": "Task", "Resource": "arn:aws:lambda:REGION:ACCOUNT_ID:function:CheckJobFunction",
                "Next": "Job Complete?", "InputPath": "$.guid", "ResultPath": "$.status",
            ],
            "Job Complete?": [
                "Type": "Choice",
                "Choices": [
                    ["Variable": "$.status", "StringEquals": "FAILED", "Next": "Job Failed"],
                    ["Variable": "$.status", "StringEquals": "SUCCEEDED", "Next": "Get Final Job Status"],
                ],
                "Default": "Wait X Seconds",
            ],
            "Job Failed": ["Type": "Fail", "Cause": "AWS Batch Job Failed", "Error": "DescribeJob returned FAILED"],
            "Get Final Job Status": [
                "Type": "Task", "Resource": "arn:aws:lambda:REGION:ACCOUNT_ID:function:CheckJobFunction",
                "InputPath": "$.guid", "End": true,
            ],
        ],
    ]

    /// The two functions as Python commands keeping a pretend batch job in a file: it runs for two
    /// status checks, then ends as the job name says (`…-fails` fails).
    static func writeFunctions(in folder: URL, endpoints: String) throws -> String {
        let submit = #"""
            import json, sys
            event = json.load(sys.stdin)
            if "jobName" not in event:
                print(json.dumps({"errorType": "ClientException", "errorMessage": "jobName is required"}))
                sys.exit(1)
            open("jobs-" + event["jobName"], "w").write("0")
            print(json.dumps(event["jobName"]))
            """#
        let check = #"""
            import json, sys
            guid = json.load(sys.stdin)
            polls = int(open("jobs-" + guid).read()) + 1
            open("jobs-" + guid, "w").write(str(polls))
            status = "RUNNING" if polls < 3 else ("FAILED" if guid.endswith("-fails") else "SUCCEEDED")
            print(json.dumps(status))
            """#
        try submit.write(to: folder.appendingPathComponent("submit_job.py"), atomically: true, encoding: .utf8)
        try check.write(to: folder.appendingPathComponent("check_job.py"), atomically: true, encoding: .utf8)
        let bindings: JSONValue = [
            "SubmitJobFunction": ["command": ["python3", "submit_job.py"]],
            "arn:aws:lambda:REGION:ACCOUNT_ID:function:CheckJobFunction": ["command": ["python3", "check_job.py"], "timeoutSeconds": 10],
            "Double": ["url": .string("\(endpoints)/double")],
            "Broken": ["url": .string("\(endpoints)/fail")],
            "Sleepy": ["command": ["sleep", "5"], "timeoutSeconds": 0.3],
            "Probe": ["job": "NoOp"],
        ]
        return try functionsFile(bindings, in: folder)
    }

    /// Writes `bindings` as `functions.json` in `folder` and returns its path, for `--functions`.
    static func functionsFile(_ bindings: JSONValue, in folder: URL) throws -> String {
        let file = folder.appendingPathComponent("functions.json")
        try JSONText.serialize(bindings).write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }

    static func withFunctionsServer(_ body: @Sendable (String) async throws -> Void) async throws {
        try await withFunctionEndpoints { endpoints in
            var configuration = try TestServer.configuration()
            configuration.functionsFile = try writeFunctions(in: URL(fileURLWithPath: configuration.dataDirectory), endpoints: endpoints)
            try await withServer(configuration) { server in try await body(server.baseURL) }
        }
    }

    @Test func seed002sJobStatusPollerRunsUnchangedOnLocalCommands() async throws {
        try await Self.withFunctionsServer { base in
            var (status, _) = try await WorkflowTests.call(base, .POST, "/StateMachine", ["name": "poller", "definition": Self.jobStatusPoller])
            #expect(status == 201)
            for (name, input) in [("ok", "render-1"), ("bad", "render-2-fails")] {
                (status, _) = try await WorkflowTests.call(
                    base, .POST, "/Execution", ["stateMachine": "poller", "name": .string(name), "input": ["jobName": .string(input), "wait_time": 0]])
                #expect(status == 201)
            }
            let succeeded = try await WorkflowTests.finished(base, "/Execution/poller/ok")
            #expect(succeeded["status"] == "SUCCEEDED")
            #expect(succeeded["output"] == #""SUCCEEDED""#)
            let failed = try await WorkflowTests.finished(base, "/Execution/poller/bad")
            #expect(failed["status"] == "FAILED")
            #expect(failed["error"] == "DescribeJob returned FAILED")

            let history = try await WorkflowTests.call(base, .GET, "/Execution/poller/ok/history").1
            let events = history["events"]?.arrayValue ?? []
            #expect(events.filter { $0["type"] == "LambdaFunctionSucceeded" }.count == 5, "one submit, three status checks, one final")
            let scheduled = events.first { $0["type"] == "LambdaFunctionScheduled" }?["lambdaFunctionScheduledEventDetails"]
            #expect(scheduled?["resource"] == "arn:aws:lambda:REGION:ACCOUNT_ID:function:SubmitJobFunction")
            #expect(scheduled?["input"] == #"{"jobName":"render-1","wait_time":0}"#)
        }
    }

    @Test func functionFailuresAreCatchableByTheirErrorType() async throws {
        let definition: JSONValue = [
            "StartAt": "Submit",
            "States": [
                "Submit": [
                    "Type": "Task", "Resource": "arn:aws:lambda:eu-west-1:123456789012:function:SubmitJobFunction",
                    "Catch": [["ErrorEquals": ["ClientException"], "ResultPath": "$.submitError", "Next": "Broken"]], "Next": "Broken",
                ],
                "Broken": [
                    "Type": "Task", "Resource": "arn:aws:lambda:eu-west-1:123456789012:function:Broken",
                    "Catch": [["ErrorEquals": ["Broken"], "ResultPath": "$.brokenError", "Next": "Sleepy"]], "Next": "Sleepy",
                ],
                "Sleepy": [
                    "Type": "Task", "Resource": "arn:aws:lambda:eu-west-1:123456789012:function:Sleepy",
                    "Catch": [["ErrorEquals": ["Sandbox.Timedout"], "ResultPath": "$.sleepyError", "Next": "Unbound"]], "Next": "Unbound",
                ],
                "Unbound": ["Type": "Task", "Resource": "arn:aws:lambda:eu-west-1:123456789012:function:Nowhere", "End": true],
            ],
        ]
        try await Self.withFunctionsServer { base in
            _ = try await WorkflowTests.call(base, .POST, "/StateMachine", ["name": "failing", "definition": definition])
            _ = try await WorkflowTests.call(base, .POST, "/Execution", ["stateMachine": "failing", "name": "f1", "input": [:]])
            let described = try await WorkflowTests.finished(base, "/Execution/failing/f1")
            #expect(described["status"] == "FAILED")
            #expect(described["error"] == "Lambda.ResourceNotFoundException")
            let history = try await WorkflowTests.call(base, .GET, "/Execution/failing/f1/history").1
            let failures = (history["events"]?.arrayValue ?? []).filter { $0["type"] == "LambdaFunctionFailed" }
                .compactMap { $0["lambdaFunctionFailedEventDetails"] }
            #expect(failures.compactMap { $0["error"]?.stringValue } == ["ClientException", "Broken", "Sandbox.Timedout", "Lambda.ResourceNotFoundException"])
            let cause = JSONText.parse(failures.first?["cause"]?.stringValue ?? "")
            #expect(cause?["errorMessage"] == "jobName is required", "the cause is the function's own error document")
        }
    }

    /// `lambda:invoke` returns `{ExecutedVersion, Payload, StatusCode}`; a function bound to a job
    /// returns the finished job.
    @Test func lambdaInvokeWrapsTheResultAsPayloadAndAFunctionCanBeAJob() async throws {
        let definition: JSONValue = [
            "StartAt": "Invoke",
            "States": [
                "Invoke": [
                    "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                    "Parameters": ["FunctionName": "arn:aws:lambda:eu-west-1:123456789012:function:Double:$LATEST", "Payload.$": "$"],
                    "ResultSelector": ["doubled.$": "$.Payload.doubled", "status.$": "$.StatusCode"], "Next": "Probe",
                ],
                "Probe": [
                    "Type": "Task", "Resource": "arn:aws:lambda:eu-west-1:123456789012:function:Probe",
                    "ResultSelector": ["job.$": "$.jobStatus"], "ResultPath": "$.probe", "End": true,
                ],
            ],
        ]
        try await Self.withFunctionsServer { base in
            _ = try await WorkflowTests.call(base, .POST, "/StateMachine", ["name": "invoker", "definition": definition])
            _ = try await WorkflowTests.call(base, .POST, "/Execution", ["stateMachine": "invoker", "name": "i1", "input": ["n": 21]])
            let described = try await WorkflowTests.finished(base, "/Execution/invoker/i1")
            #expect(described["status"] == "SUCCEEDED")
            #expect(described["output"] == #"{"doubled":42,"status":200,"probe":{"job":"COMPLETED"}}"#)
        }
    }

    @Test func aFunctionsFileWithAMistakeIsRefusedNamingTheEntry() throws {
        let folder = MediaFixtures.temporaryDirectory()
        let file = folder.appendingPathComponent("functions.json")
        for (text, expected) in [
            (#"{"A": {"command": []}}"#, "A.command"), (#"{"B": {"url": "ftp://x"}}"#, "B.url"),
            (#"{"C": {"nothing": 1}}"#, "C needs one of"), ("[1]", "not a JSON object"),
        ] {
            try text.write(to: file, atomically: true, encoding: .utf8)
            let error = #expect(throws: ConfigurationError.self) { try FunctionBindings(contentsOf: file.path) }
            #expect(error?.description.contains(expected) == true, "\(String(describing: error))")
        }
    }

    /// A function task under way when its node shuts down is not failed by the shutdown: it is left to its
    /// lease, and called again once the node is back, so the execution succeeds.
    @Test func aTaskUnderWayWhenTheNodeShutsDownRunsAgainAfter() async throws {
        let folder = MediaFixtures.temporaryDirectory()
        let started = folder.appendingPathComponent("started")
        let script = "touch \(started.path); sleep 1; echo '\"done\"'"
        let bindings: JSONValue = ["Slow": ["command": ["sh", "-c", .string(script)]]]
        var configuration = try TestServer.configuration()
        configuration.functionsFile = try WorkflowFunctionTests.functionsFile(bindings, in: folder)
        try await withServer(configuration) { server in
            let definition: JSONValue = [
                "StartAt": "Slow", "States": ["Slow": ["Type": "Task", "Resource": "arn:aws:lambda:eu-west-1:1:function:Slow", "End": true]],
            ]
            _ = try await WorkflowTests.call(server.baseURL, .POST, "/StateMachine", ["name": "slow", "definition": definition])
            _ = try await WorkflowTests.call(server.baseURL, .POST, "/Execution", ["stateMachine": "slow", "name": "s1", "input": [:]])
            try await eventually("the command runs") { FileManager.default.fileExists(atPath: started.path) }
        }
        try await withServer(configuration) { server in
            let described = try await WorkflowTests.finished(server.baseURL, "/Execution/slow/s1")
            #expect(described["status"] == "SUCCEEDED", "\(described)")
            #expect(described["output"] == "\"done\"")
        }
    }
}

/// A task its execution gives up on is called off: the job it started is cancelled, the command it
/// runs is stopped.
@Suite(.serialized) struct AbandonedTaskTests {
    @Test func aTimedOutJobTaskCancelsItsJob() async throws {
        let media = try await MediaFixtures.clip(in: MediaFixtures.temporaryDirectory())
        try await withSlowMediaServer(serving: media) { slow in
            try await withServer { server in
                let base = server.baseURL
                let definition: JSONValue = [
                    "StartAt": "Probe",
                    "States": [
                        "Probe": ["Type": "Task", "Resource": "mediaflow:job:ExtractTechnicalMetadata.sync", "TimeoutSeconds": 1, "End": true]
                    ],
                ]
                _ = try await WorkflowTests.call(base, .POST, "/StateMachine", ["name": "impatient", "definition": definition])
                _ = try await WorkflowTests.call(
                    base, .POST, "/Execution", ["stateMachine": "impatient", "name": "i1", "input": ["locator": .string("\(slow)/media/30/clip.mp4")]])
                let described = try await WorkflowTests.finished(base, "/Execution/impatient/i1")
                #expect(described["status"] == "FAILED")
                #expect(described["error"] == "States.Timeout")
                try await eventually("the job is cancelled") {
                    try await server.client.jobs(["profile": "ExtractTechnicalMetadata"]).jobs.first?.status == .canceled
                }
            }
        }
    }

    @Test func aStoppedExecutionStopsTheCommandItsFunctionRuns() async throws {
        let folder = MediaFixtures.temporaryDirectory()
        let pidFile = folder.appendingPathComponent("sleeper.pid")
        let bindings: JSONValue = ["Sleeper": ["command": ["sh", "-c", .string("echo $$ > \(pidFile.path); exec sleep 60")]]]
        var configuration = try TestServer.configuration()
        configuration.functionsFile = try WorkflowFunctionTests.functionsFile(bindings, in: folder)
        try await withServer(configuration) { server in
            let base = server.baseURL
            let definition: JSONValue = [
                "StartAt": "Sleep", "States": ["Sleep": ["Type": "Task", "Resource": "arn:aws:lambda:eu-west-1:1:function:Sleeper", "End": true]],
            ]
            _ = try await WorkflowTests.call(base, .POST, "/StateMachine", ["name": "sleepy", "definition": definition])
            _ = try await WorkflowTests.call(base, .POST, "/Execution", ["stateMachine": "sleepy", "name": "s1", "input": [:]])
            // The shell makes the file before it writes the pid into it.
            let writtenPID = { @Sendable in
                Int32((try? String(contentsOf: pidFile, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "")
            }
            try await eventually("the command runs") { writtenPID() != nil }
            let pid = try #require(writtenPID())
            let (status, _) = try await WorkflowTests.call(base, .POST, "/Execution/sleepy/s1/stop", [:])
            #expect(status == 200)
            try await eventually("the command is stopped") { kill(pid, 0) != 0 }
        }
    }
}
