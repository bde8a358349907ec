import Foundation
import MediaflowModel
import MediaflowServer
import MediaflowTesting
import Synchronization
import Testing

/// Three server processes sharing one PostgreSQL database behave as one system, and losing one of them
/// with `kill -9` loses no job and no callback.
@Suite(.serialized) struct ScaleOutTests {
    @Test func aThreeNodeClusterLosesNothingWhenANodeIsKilled() async throws {
        let folder = MediaFixtures.temporaryDirectory()
        try await TestDatabase.withFreshSchema(prefix: "cluster") { database in
            let total = 1000
            try await withCallbackReceiver { receiver, callback in
                var nodes: [ServerProcess] = []
                for index in 0..<3 {
                    nodes.append(
                        try ServerProcess(
                            port: try FreePort.pick(),
                            arguments: [
                                "--database", database, "--lease-seconds", "2",
                                "--data-dir", folder.appendingPathComponent("node\(index)").path,
                            ],
                            log: folder.appendingPathComponent("node\(index).log")))
                }
                try await stoppedAfter(nodes) {
                    for node in nodes { try await waitForHealth(node.baseURL) }
                    let clients = nodes.map { MediaflowClient(baseURL: $0.baseURL) }
                    let victim = nodes[1]
                    let run = ClusterRun()
                    let endpoint = AsyncEndpoint(success: callback + "/success", failure: callback + "/failure")

                    try await withThrowingTaskGroup(of: Void.self) { group in
                        for worker in 0..<12 {
                            group.addTask {
                                var index = worker
                                while index < total {
                                    if index == total / 3, run.killOnce() { await victim.crash() }
                                    var node = index % 3
                                    if node == 1, run.victimKilled { node = 0 }
                                    run.accepted(try await Self.submit(to: clients[node], fallback: clients[2], endpoint))
                                    index += 12
                                }
                            }
                        }
                        try await group.waitForAll()
                    }
                    #expect(run.victimKilled)
                    let jobs = run.jobs
                    #expect(jobs.count == total)

                    try await eventually(timeout: .seconds(90), "a callback for every job") {
                        Set(receiver.deliveries.map(\.job)).count == jobs.count
                    }
                    let survivor = clients[0]
                    for job in jobs { #expect(try await survivor.job(Self.id(job)).status == .completed) }
                    let keys = Dictionary(grouping: receiver.deliveries, by: \.job).mapValues { Set($0.map(\.idempotencyKey)) }
                    #expect(keys.values.allSatisfy { $0.count == 1 }, "a job completed more than once")
                    #expect(jobs.allSatisfy { receiver.delivered($0)?.status == .completed })
                }
            }
        }
    }
}

extension ScaleOutTests {
    /// A node that shuts down gracefully hands the jobs its service was running back to the queue at once:
    /// another node runs them long before their leases (a minute here) would have run out.
    @Test func aStoppingNodeHandsItsRunningJobsToAnother() async throws {
        let folder = MediaFixtures.temporaryDirectory()
        let clip = try await MediaFixtures.clip(in: folder)
        try await TestDatabase.withFreshSchema(prefix: "handback") { database in
            try await withSlowMediaServer(serving: clip) { media in
                let node = try Self.leavingNode(in: folder, database: database)
                try await stoppedAfter([node]) {
                    try await waitForHealth(node.baseURL)
                    let client = MediaflowClient(baseURL: node.baseURL)
                    let job = try await client.create(
                        Job(type: .ameJob, profile: "ExtractTechnicalMetadata", relatedResource: RelatedResource(locator: "\(media)/media/2/clip.mp4")))
                    _ = try await client.start(jobURL: job.id!)
                    let jobID = String(job.id!.split(separator: "/").last!)
                    try await eventually("the job runs") { try await client.job(jobID).status == .running }

                    try await withServer(try Self.stayingNode(database: database)) { other in
                        #expect(await node.stop(), "a graceful stop")
                        try await eventually("another node runs the job to its end") {
                            let seen = try await other.client.job(jobID)
                            return seen.status == .completed && seen.processJob?.hasPrefix(other.baseURL) == true
                        }
                    }
                }
            }
        }
    }

    /// A node that shuts down gracefully gives back the workflow tasks it was handing over: another node hands
    /// them over again long before their leases (a minute here) would have run out.
    @Test func aStoppingNodeGivesItsWorkflowTasksToAnother() async throws {
        let folder = MediaFixtures.temporaryDirectory()
        let started = folder.appendingPathComponent("started")
        // The first call says it began and outlasts the test; the one after answers at once.
        let script = "if [ -e \(started.path) ]; then echo '\"done\"'; else touch \(started.path); exec sleep 60; fi"
        let functions = try WorkflowFunctionTests.functionsFile(["Slow": ["command": ["sh", "-c", .string(script)]]], in: folder)
        try await TestDatabase.withFreshSchema(prefix: "taskback") { database in
            let node = try Self.leavingNode(in: folder, database: database, arguments: ["--functions", functions])
            try await stoppedAfter([node]) {
                try await waitForHealth(node.baseURL)
                let definition: JSONValue = [
                    "StartAt": "Slow", "States": ["Slow": ["Type": "Task", "Resource": "arn:aws:lambda:eu-west-1:1:function:Slow", "End": true]],
                ]
                _ = try await WorkflowTests.call(node.baseURL, .POST, "/StateMachine", ["name": "slow", "definition": definition])
                _ = try await WorkflowTests.call(node.baseURL, .POST, "/Execution", ["stateMachine": "slow", "name": "s1", "input": [:]])
                try await eventually("the function runs") { FileManager.default.fileExists(atPath: started.path) }

                var staying = try Self.stayingNode(database: database)
                staying.functionsFile = functions
                try await withServer(staying) { other in
                    #expect(await node.stop(), "a graceful stop")
                    let described = try await WorkflowTests.finished(other.baseURL, "/Execution/slow/s1")
                    #expect(described["status"] == "SUCCEEDED", "\(described)")
                    #expect(described["output"] == "\"done\"")
                }
            }
        }
    }

    /// The node that shuts down in the hand-back tests: a server process on `database` whose leases last a
    /// minute, longer than the tests wait.
    static func leavingNode(in folder: URL, database: String, arguments: [String] = []) throws -> ServerProcess {
        try ServerProcess(
            port: try FreePort.pick(),
            arguments: ["--data-dir", folder.appendingPathComponent("node").path, "--database", database, "--lease-seconds", "60"]
                + arguments,
            log: folder.appendingPathComponent("node.log"))
    }

    /// The node that stays in the hand-back tests, with the same minute-long leases.
    static func stayingNode(database: String) throws -> ServerConfiguration {
        var staying = try TestServer.configuration()
        staying.database = database
        staying.leaseSeconds = 60
        return staying
    }

    /// The README's second node, `--roles job-processor,ame-service` with only the database URL: it finds the
    /// registry and the jobs in the database, registers its service there, and runs jobs the first node has no
    /// room for.
    @Test func aWorkerNodeNeedsOnlyTheDatabase() async throws {
        try await TestDatabase.withFreshSchema(prefix: "worker") { database in
            var first = try TestServer.configuration()
            first.database = database
            first.serviceCapacity = 1
            var worker = try TestServer.configuration(roles: [.jobProcessor, .ameService])
            worker.database = database
            let clip = try await MediaFixtures.clip(in: MediaFixtures.temporaryDirectory())
            try await withSlowMediaServer(serving: clip) { [first, worker] media in
                try await withServers([first, worker]) { servers in
                    let client = servers[0].client
                    // A node reads the registry it shares again after 2 s: the worker may have registered since.
                    try await eventually(timeout: .seconds(5), "the first node lists the worker's service") {
                        let services = try await client.call(.GET, "/Service", timeout: .seconds(5))
                        return String(decoding: services.body, as: UTF8.self).contains("\(servers[1].baseURL)/ProcessJob")
                    }
                    var jobs: [String] = []
                    for index in 0..<3 {
                        let job = try await client.create(
                            Job(type: .ameJob, profile: "ExtractTechnicalMetadata",
                                relatedResource: RelatedResource(locator: "\(media)/media/1/clip.mp4")))
                        // The worker takes StartJob too; it records it where the job is.
                        _ = try await servers[index % 2].client.start(jobURL: job.id!)
                        jobs.append(job.id!)
                    }
                    var ranOn: [String] = []
                    for job in jobs {
                        let done = try await client.wait(for: job)
                        #expect(done.status == .completed, "\(done.statusMessage ?? "")")
                        ranOn.append(done.jobOutput?["ebucore"]?["locator"]?.stringValue ?? "")
                        let startJob = try #require(done.startJob)
                        #expect(startJob.hasPrefix(servers[0].baseURL + "/StartJob/"))
                        let path = String(startJob.dropFirst(servers[0].baseURL.count))
                        #expect(try await client.call(.GET, path, timeout: .seconds(5)).status == 200)
                    }
                    #expect(ranOn.contains { $0.hasPrefix(servers[1].baseURL + "/media/") }, "\(ranOn)")
                }
            }
        }
    }

    /// Creates and starts a no-op job as a client would: when the node dies under the request, the job is
    /// created (or started, if it is still NEW) again through another node.
    static func submit(to client: MediaflowClient, fallback: MediaflowClient, _ endpoint: AsyncEndpoint) async throws
        -> String
    {
        let job: Job
        do {
            job = try await client.create(Job(type: .ameJob, profile: "NoOp"))
        } catch is ClientError {
            throw FixtureError("create refused")
        } catch {
            return try await submit(to: fallback, fallback: fallback, endpoint)
        }
        do {
            _ = try await client.start(jobURL: job.id!, asyncEndpoint: endpoint)
        } catch is ClientError {
            throw FixtureError("start refused")
        } catch {
            // The dying node may have committed the start after all, even after the status was read:
            // a 409 then says the job is started, which is what the client wanted.
            do {
                if try await fallback.job(Self.id(job.id!)).status == .new {
                    _ = try await fallback.start(jobURL: job.id!, asyncEndpoint: endpoint)
                }
            } catch let refusal as ClientError where refusal.status == 409 {}
        }
        return job.id!
    }

    /// The id in a job URL, which any node can answer for whichever node made the URL.
    static func id(_ jobURL: String) -> String { ResourceLink(parsing: jobURL, collection: "Job")!.id }
}

/// What the workers of the cluster test share: whether the victim is dead, and the jobs accepted.
private final class ClusterRun: Sendable {
    private let state = Mutex<(killed: Bool, jobs: [String])>((false, []))

    /// True for the one caller that gets to kill the victim.
    func killOnce() -> Bool {
        state.withLock { state in
            defer { state.killed = true }
            return !state.killed
        }
    }

    var victimKilled: Bool { state.withLock { $0.killed } }
    var jobs: [String] { state.withLock { $0.jobs } }
    func accepted(_ job: String) { state.withLock { $0.jobs.append(job) } }
}
