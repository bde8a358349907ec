import Foundation
import MediaflowModel
import MediaflowServer
import MediaflowStates
import MediaflowTesting
import Testing

/// A state machine run as a `WorkflowJob` through the job protocol: POST /Job, POST /StartJob, and
/// the callback with the execution's output, failure or cancellation.
@Suite(.serialized) struct WorkflowJobTests {
    static let machines: [(String, JSONValue)] = [
        ("adder", ["StartAt": "Add", "States": ["Add": ["Type": "Pass", "Parameters": ["sum.$": "States.MathAdd($.a, $.b)"], "End": true]]]),
        ("refuser", ["StartAt": "No", "States": ["No": ["Type": "Fail", "Error": "Refused", "Cause": "not today"]]]),
        ("sleeper", ["StartAt": "Nap", "States": ["Nap": ["Type": "Wait", "Seconds": 60, "End": true]]]),
        ("napper", ["StartAt": "Nap", "States": ["Nap": ["Type": "Wait", "Seconds": 4, "End": true]]]),
    ]

    static func workflowJob(_ jobInput: JSONObject) -> Job {
        Job(type: .workflowJob, profile: "RunStateMachine", jobInput: jobInput)
    }

    @Test func aWorkflowJobRunsItsStateMachineAndCompletesWithTheOutput() async throws {
        try await withCallbackReceiver { receiver, callback in
            try await withServer { server in
                for (name, definition) in Self.machines {
                    let (status, _) = try await WorkflowTests.call(server.baseURL, .POST, "/StateMachine", ["name": .string(name), "definition": definition])
                    #expect(status == 201)
                }
                let endpoint = AsyncEndpoint(success: callback + "/success", failure: callback + "/failure")
                let adding = try await server.client.create(Self.workflowJob(["stateMachine": "adder", "input": ["a": 2, "b": 3]]))
                let refused = try await server.client.create(Self.workflowJob(["stateMachine": "refuser"]))
                let missing = try await server.client.create(Self.workflowJob(["stateMachine": "nowhere"]))
                for job in [adding, refused, missing] { _ = try await server.client.start(jobURL: job.id!, asyncEndpoint: endpoint) }

                await receiver.arrival(of: adding.id!)
                let done = try #require(receiver.delivered(adding.id!))
                #expect(done.status == .completed)
                #expect(done.jobOutput?["output"] == ["sum": 5])
                let jobID = try #require(adding.id?.split(separator: "/").last)
                #expect(done.jobOutput?["executionArn"] == .string("arn:aws:states:local:000000000000:execution:adder:job-\(jobID)"))
                let execution = try await WorkflowTests.call(server.baseURL, .GET, "/Execution/adder/job-\(jobID)").1
                #expect(execution["status"] == "SUCCEEDED")

                await receiver.arrival(of: refused.id!)
                let failed = try #require(receiver.delivered(refused.id!))
                #expect(failed.status == .failed)
                #expect(failed.statusMessage?.contains("Refused: not today") == true, "\(failed.statusMessage ?? "")")
                await receiver.arrival(of: missing.id!)
                #expect(receiver.delivered(missing.id!)?.statusMessage?.contains("Cannot start nowhere") == true)
            }
        }
    }

    @Test func cancellingAWorkflowJobStopsItsExecution() async throws {
        try await withServer { server in
            let (name, definition) = Self.machines[2]
            _ = try await WorkflowTests.call(server.baseURL, .POST, "/StateMachine", ["name": .string(name), "definition": definition])
            let job = try await server.client.create(Self.workflowJob(["stateMachine": "sleeper"]))
            _ = try await server.client.start(jobURL: job.id!)
            try await eventually("the job runs") { try await server.client.job(job.id!).status == .running }
            let canceled = try await server.client.cancel(jobURL: job.id!)
            #expect(canceled.status == .canceled)
            let jobID = try #require(job.id?.split(separator: "/").last)
            let execution = try await WorkflowTests.finished(server.baseURL, "/Execution/sleeper/job-\(jobID)")
            #expect(execution["status"] == "ABORTED")
        }
    }

    /// A server's graceful shutdown leaves a running workflow job's execution running: after the restart the
    /// job is dispatched again, waits on the same execution and completes.
    @Test func aShutdownLeavesAWorkflowJobsExecutionRunning() async throws {
        let configuration = try TestServer.configuration()
        let (name, definition) = Self.machines[3]
        let job = try await withServer(configuration) { server in
            _ = try await WorkflowTests.call(server.baseURL, .POST, "/StateMachine", ["name": .string(name), "definition": definition])
            let job = try await server.client.create(Self.workflowJob(["stateMachine": .string(name)]))
            _ = try await server.client.start(jobURL: job.id!)
            try await eventually("the job runs") { try await server.client.job(job.id!).status == .running }
            return job
        }
        try await withServer(configuration) { server in
            let done = try await server.client.wait(for: job.id!)
            #expect(done.status == .completed, "\(done.statusMessage ?? "")")
            let jobID = try #require(job.id?.split(separator: "/").last)
            let execution = try await WorkflowTests.call(server.baseURL, .GET, "/Execution/\(name)/job-\(jobID)").1
            #expect(execution["status"] == "SUCCEEDED")
        }
    }

    /// The job outlives two of its leases (two seconds in tests) on its service's heartbeats alone: it is
    /// never taken back and dispatched again.
    @Test func aJobLongerThanItsLeaseKeepsItByHeartbeat() async throws {
        try await withServer { server in
            let (name, definition) = Self.machines[3]
            _ = try await WorkflowTests.call(server.baseURL, .POST, "/StateMachine", ["name": .string(name), "definition": definition])
            let job = try await server.client.create(Self.workflowJob(["stateMachine": .string(name)]))
            _ = try await server.client.start(jobURL: job.id!)
            try await eventually("the job runs") { try await server.client.job(job.id!).status == .running }
            let processJob = try await server.client.job(job.id!).processJob
            var seen = try await server.client.job(job.id!)
            while !seen.status.isFinal {
                #expect(seen.processJob == processJob && seen.status == .running, "\(seen.status): \(seen.statusMessage ?? "")")
                try await Task.sleep(for: .milliseconds(100))
                seen = try await server.client.job(job.id!)
            }
            #expect(seen.status == .completed)
        }
    }

    @Test func aWorkflowJobWithoutAStateMachineIsRefused() async throws {
        try await withServer { server in
            let error = await #expect(throws: ClientError.self) { try await server.client.create(Self.workflowJob(["input": [:]])) }
            #expect("\(String(describing: error))".contains("/jobInput/stateMachine"))
        }
    }
}
