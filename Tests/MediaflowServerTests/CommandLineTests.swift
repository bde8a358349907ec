import Foundation
import MediaflowModel
import MediaflowServer
import MediaflowTesting
import Testing

/// The `mediaflow` command as a person at a terminal meets it: what it prints and how it exits.
@Suite struct CommandLineTests {
    @Test func aCommandFindingNoServerSaysSoAtOnce() async throws {
        let url = "http://127.0.0.1:\(try FreePort.pick())"
        let commands = [["job", "list"], ["workflow", "describe", "arn:aws:states:local:0:execution:m:e"], ["bus", "services"]]
        for command in commands {
            let started = ContinuousClock.now
            let (status, output) = try await ServerProcess.command(command + ["--server", url])
            #expect(status == 1, "\(command)")
            #expect(output.contains("connection refused: nothing listens there"), "\(command): \(output)")
            #expect(ContinuousClock.now - started < .seconds(5), "\(command)")
        }
    }

    @Test func serveOnAPortInUseSaysSo() async throws {
        try await withServer { server in
            let (status, output) = try await ServerProcess.command([
                "serve", "--port", String(server.configuration.port),
                "--data-dir", MediaFixtures.temporaryDirectory().path,
            ])
            #expect(status == 1)
            #expect(output.contains("Cannot listen on 127.0.0.1:\(server.configuration.port): the address is in use"))
        }
    }

    /// A repository alone would only record the StartJob (it takes it from its processor, seed messages 6–7):
    /// `submit` (and `cancel`) say so instead of waiting for a job that never runs; `--processor-url` names it.
    @Test func submitToARepositoryAloneNeedsTheProcessor() async throws {
        let front = try TestServer.configuration(roles: [.jobRepository, .serviceRegistry])
        var back = try TestServer.configuration(roles: [.jobProcessor, .ameService])
        back.repositoryURL = front.baseURL
        back.registryURL = front.baseURL
        try await withServers([front, back]) { servers in
            let input = try MediaFixtures.textFile(in: MediaFixtures.temporaryDirectory()).path
            let submit = ["job", "submit", input, "--profile", "NoOp", "--wait", "--server", servers[0].baseURL]
            let refused = try await ServerProcess.command(submit)
            #expect(refused.status == 1)
            #expect(refused.output.contains("\(servers[0].baseURL) does not play job-processor"), "\(refused.output)")
            #expect(try await servers[0].client.jobs().jobs.isEmpty, "nothing created")

            let ran = try await ServerProcess.command(submit + ["--processor-url", servers[1].baseURL])
            #expect(ran.status == 0)
            #expect(ran.output.contains("\n  COMPLETED 100%  "), "\(ran.output)")

            let job = try #require(try await servers[0].client.jobs().jobs.first?.id)
            let cancel = try await ServerProcess.command(["job", "cancel", job, "--server", servers[0].baseURL])
            #expect(cancel.status == 1)
            #expect(cancel.output.contains("does not play job-processor"), "\(cancel.output)")
        }
    }

    @Test func submitFollowsAJobToItsEndAndListPagesWithACursor() async throws {
        try await withServer { server in
            let input = try MediaFixtures.textFile(in: MediaFixtures.temporaryDirectory()).path
            for _ in 0..<2 { _ = try await server.client.create(Job(type: .ameJob, profile: "NoOp")) }
            let submitted = try await ServerProcess.command(
                ["job", "submit", input, "--profile", "NoOp", "--wait", "--server", server.baseURL])
            #expect(submitted.status == 0)
            #expect(submitted.output.contains("\n  COMPLETED 100%  "), "\(submitted.output)")

            let first = try await ServerProcess.command(["job", "list", "--limit", "2", "--server", server.baseURL])
            let lines = first.output.split(separator: "\n")
            #expect(lines.count == 3)
            #expect(lines[0].contains("COMPLETED  NoOp"), "the newest job first: \(first.output)")
            let more = try #require(lines.last?.split(separator: " "))
            #expect(more.dropLast().joined(separator: " ") == "more: --cursor")
            let rest = try await ServerProcess.command(
                ["job", "list", "--limit", "2", "--cursor", String(more.last!), "--server", server.baseURL])
            #expect(rest.output.split(separator: "\n").count == 1)
            #expect(rest.output.contains("NEW        NoOp"))
        }
    }

    @Test func submitCanDelayTheStart() async throws {
        try await withServer { server in
            let input = try MediaFixtures.textFile(in: MediaFixtures.temporaryDirectory()).path
            let started = ContinuousClock.now
            let delayed = try await ServerProcess.command(
                ["job", "submit", input, "--profile", "NoOp", "--not-before", "+2s", "--timeout", "1m", "--wait",
                 "--server", server.baseURL])
            #expect(delayed.status == 0)
            #expect(delayed.output.contains("\n  QUEUED\n"), "\(delayed.output)")
            #expect(delayed.output.contains("\n  COMPLETED 100%  "), "\(delayed.output)")
            #expect(ContinuousClock.now - started >= .seconds(2))
            let jobURL = try #require(delayed.output.split(separator: "\n").first?.split(separator: " ").last)
            let startJob = try #require(try await server.client.job(String(jobURL)).startJob)
            #expect(try await RawHTTP(baseURL: server.baseURL).get(startJob).json["timeoutSeconds"] == 60)

            let refused = try await ServerProcess.command(
                ["job", "submit", input, "--profile", "NoOp", "--not-before", "tomorrow", "--server", server.baseURL])
            #expect(refused.status != 0)
            #expect(refused.output.contains("--not-before takes an ISO 8601 time or + and a duration such as +10m, not 'tomorrow'"))
            for timeout in ["soon", "0s"] {
                let refused = try await ServerProcess.command(
                    ["job", "submit", input, "--profile", "NoOp", "--timeout", timeout, "--server", server.baseURL])
                #expect(refused.output.contains("--timeout takes a duration above 0 such as 90, 90s, 10m or 2h, not '\(timeout)'"))
            }
            #expect(try await server.client.jobs([:]).jobs.count == 1, "a refused submit creates no job")
        }
    }

    @Test func workflowStartFollowsAnExecutionToItsEnd() async throws {
        try await withServer { server in
            let file = MediaFixtures.temporaryDirectory().appending(path: "flow.json")
            try #"""
                {"StartAt": "Prepare", "States": {
                  "Prepare": {"Type": "Pass", "Next": "Pause"},
                  "Pause": {"Type": "Wait", "Seconds": 1, "Next": "Check"},
                  "Check": {"Type": "Choice", "Choices": [{"Variable": "$.ok", "BooleanEquals": true, "Next": "Done"}],
                            "Default": "Broken"},
                  "Done": {"Type": "Succeed"},
                  "Broken": {"Type": "Fail", "Error": "NotOK", "Cause": "ok was not true"}}}
                """#.write(to: file, atomically: true, encoding: .utf8)
            let created = try await ServerProcess.command(["workflow", "create", "paced", file.path, "--server", server.baseURL])
            #expect(created.status == 0, "\(created.output)")
            func start(_ input: String) async throws -> (status: Int32, output: String, entered: [Substring]) {
                let (status, output) = try await ServerProcess.command(
                    ["workflow", "start", "paced", "--input", input, "--wait", "--server", server.baseURL])
                let entered = output.split(separator: "\n").filter { $0.contains("StateEntered") }.compactMap { $0.split(separator: " ").last }
                return (status, output, entered)
            }
            let succeeded = try await start(#"{"ok": true}"#)
            #expect(succeeded.status == 0)
            #expect(succeeded.entered == ["Prepare", "Pause", "Check", "Done"], "each state once, in order: \(succeeded.output)")
            #expect(succeeded.output.hasSuffix("status: SUCCEEDED\noutput: {\"ok\":true}\n"), "\(succeeded.output)")
            let failed = try await start(#"{"ok": false}"#)
            #expect(failed.status == 1)
            #expect(failed.entered == ["Prepare", "Pause", "Check", "Broken"], "\(failed.output)")
            #expect(failed.output.contains("status: FAILED\nerror:  NotOK\ncause:  ok was not true"), "\(failed.output)")
        }
    }
}
