import Foundation
import Logging
import MediaflowModel
import MediaflowServer
import MediaflowTesting
import Testing

@Suite struct JobManagementTests {
    @Test func cancelStopsTheRunningServiceAndTellsTheCaller() async throws {
        let clip = try await MediaFixtures.clip(in: MediaFixtures.temporaryDirectory())
        try await withSlowMediaServer(serving: clip) { media in
            try await withCallbackReceiver { receiver, callback in
                try await withServer { server in
                    let job = try await server.client.create(
                        Job(type: .ameJob, profile: "ExtractTechnicalMetadata",
                            relatedResource: RelatedResource(locator: "\(media)/media/30/clip.mp4")))
                    _ = try await server.client.start(
                        jobURL: job.id!, asyncEndpoint: AsyncEndpoint(success: callback + "/success", failure: callback + "/failure"))
                    try await eventually("the job runs") { try await server.client.job(job.id!).status == .running }
                    let started = ContinuousClock.now
                    let canceled = try await server.client.cancel(jobURL: job.id!)
                    #expect(canceled.status == .canceled)
                    await receiver.arrival(of: job.id!)
                    #expect(receiver.delivered(job.id!)?.status == .canceled)
                    #expect(ContinuousClock.now - started < .seconds(10), "the job's media takes 30 s to arrive")
                    #expect(try await server.client.job(job.id!).status == .canceled)
                    let again = await #expect(throws: ClientError.self) { try await server.client.cancel(jobURL: job.id!) }
                    #expect(again?.status == 409)
                }
            }
        }
    }

    @Test func aJobThatOutlivesItsTimeoutFailsOnTimeAndItsServiceStops() async throws {
        let clip = try await MediaFixtures.clip(in: MediaFixtures.temporaryDirectory())
        // With the default lease, leases are swept every 7.5 s: the timeout is to fire at its own time.
        var settings = try TestServer.configuration()
        settings.leaseSeconds = 30
        let configuration = settings
        try await withSlowMediaServer(serving: clip) { media in
            try await withCallbackReceiver { receiver, callback in
                try await withServer(configuration) { server in
                    let endpoint = AsyncEndpoint(success: callback + "/success", failure: callback + "/failure")
                    let slow = try await server.client.create(
                        Job(type: .ameJob, profile: "ExtractTechnicalMetadata",
                            relatedResource: RelatedResource(locator: "\(media)/media/30/clip.mp4")))
                    let started = ContinuousClock.now
                    // Three seconds: on a loaded machine a job has waited more than one to be dispatched.
                    let startJob = try await server.client.start(jobURL: slow.id!, asyncEndpoint: endpoint, timeoutSeconds: 3)
                    #expect(startJob.timeoutSeconds == 3)
                    // A loaded machine's look may come after the job's running spell has ended.
                    try await eventually("the job reaches its service") {
                        [.running, .failed].contains(try await server.client.job(slow.id!).status)
                    }
                    await receiver.arrival(of: slow.id!)
                    let failed = try #require(receiver.delivered(slow.id!))
                    #expect(failed.status == .failed)
                    #expect(failed.statusMessage == "Timed out: not finished within the timeoutSeconds of its StartJob")
                    #expect(ContinuousClock.now - started >= .seconds(3))
                    #expect(ContinuousClock.now - started < .seconds(12), "the job's media takes 30 s to arrive")
                    // The service was told to stop: its ProcessJob no longer runs (a DELETE finds nothing to stop).
                    try await Task.sleep(for: .milliseconds(500))
                    let processJob = try #require(failed.processJob)
                    #expect(try await RawHTTP(baseURL: server.baseURL).send("DELETE", processJob, raw: nil).status == 404)
                    #expect(try await server.client.job(slow.id!).status == .failed)
                }
            }
        }
    }

    @Test func jobsAreListedFilteredPagedAndDeleted() async throws {
        try await withServer { server in
            let client = server.client
            var urls: [String] = []
            for _ in 0..<5 { urls.append(try await client.create(Job(type: .ameJob, profile: "NoOp")).id!) }
            _ = try await client.start(jobURL: urls[0])
            _ = try await client.wait(for: urls[0])
            let page1 = try await client.jobs(["limit": "2"])
            #expect(page1.jobs.map(\.id) == [urls[4], urls[3]])
            let page2 = try await client.jobs(["limit": "2", "cursor": try #require(page1.nextCursor)])
            #expect(page2.jobs.map(\.id) == [urls[2], urls[1]])
            #expect(try await client.jobs(["status": "COMPLETED"]).jobs.map(\.id) == [urls[0]])
            #expect(try await client.jobs(["status": "NEW", "profile": "NoOp", "type": "AmeJob"]).jobs.count == 4)
            #expect(try await client.jobs(["createdAfter": "2999-01-01T00:00:00.000Z"]).jobs.isEmpty)

            let refused = await #expect(throws: ClientError.self) { try await client.delete(jobURL: urls[1]) }
            #expect(refused?.status == 409)
            try await client.delete(jobURL: urls[0])
            let gone = await #expect(throws: ClientError.self) { try await client.job(urls[0]) }
            #expect(gone?.status == 404)
        }
    }

    @Test func aDelayedStartWaitsQueuedUntilItsTime() async throws {
        try await withCallbackReceiver { receiver, callback in
            try await withServer { server in
                let job = try await server.client.create(Job(type: .ameJob, profile: "NoOp"))
                // Six seconds: beside the whole suite a request has taken two.
                let notBefore = Date().addingTimeInterval(6)
                let startJob = try await server.client.start(
                    jobURL: job.id!, asyncEndpoint: AsyncEndpoint(success: callback + "/success"), notBefore: notBefore)
                #expect(startJob.notBefore.map(Timestamp.format) == Timestamp.format(notBefore))
                // Looked at a second in, well before its time even when the whole suite slows the requests.
                try await Task.sleep(for: .seconds(1))
                #expect(try await server.client.job(job.id!).status == .queued)
                #expect(Date() < notBefore, "the look came before the job's time")
                await receiver.arrival(of: job.id!)
                #expect(Date() >= notBefore)
                #expect(receiver.delivered(job.id!)?.status == .completed)
                let recorded = try await RawHTTP(baseURL: server.baseURL).get(startJob.id!)
                #expect(recorded.json["notBefore"]?.stringValue == Timestamp.format(notBefore))
            }
        }
    }

    @Test func aWriteFromAnOutdatedReadIsRefused() async throws {
        try await withServer { server in
            let http = RawHTTP(baseURL: server.baseURL)
            let url = try await server.client.create(Job(type: .ameJob, profile: "NoOp")).id!
            let read = try await http.get(url)
            #expect(read.headers["etag"] == "\"0\"")
            var job = read.json.replacing(["statusMessage"], with: "first")
            let first = try await http.send("PUT", url, job, headers: [("If-Match", "\"0\"")])
            #expect(first.status == 200)
            #expect(first.headers["etag"] == "\"1\"")

            job = job.replacing(["statusMessage"], with: "second, from the outdated read")
            let outdated = try await http.send("PUT", url, job, headers: [("If-Match", "\"0\"")])
            #expect(outdated.status == 412)
            #expect(outdated.contentType == "application/problem+json")
            #expect(outdated.json["type"] == "/problems/outdated")
            #expect(outdated.json["detail"]?.stringValue?.contains("\"1\"") == true)
            #expect(try await server.client.job(url).statusMessage == "first")

            for condition in ["*", "\"7\", \"2\""] {
                #expect(try await http.send("PUT", url, job, headers: [("If-Match", condition)]).status == 200)
            }
            #expect(try await http.send("PUT", url, job).status == 200)
            #expect(try await http.get(url).headers["etag"] == "\"4\"")
        }
    }

    /// A reader that has a job's version is told 304 while it is current; asked to wait (`Prefer: wait=N`),
    /// the answer comes the moment the job changes, with the job as it then is, or as 304 after N seconds.
    @Test func aReaderWaitsForTheJobToChange() async throws {
        try await withServer { server in
            let http = RawHTTP(baseURL: server.baseURL)
            let url = try await server.client.create(Job(type: .ameJob, profile: "NoOp")).id!
            let current = [("If-None-Match", "\"0\"")]
            let unchanged = try await http.get(url, headers: current)
            #expect(unchanged.status == 304)
            #expect(unchanged.headers["etag"] == "\"0\"")
            #expect(unchanged.body.isEmpty)
            #expect(try await http.get(url, headers: [("If-None-Match", "W/\"0\"")]).status == 304)
            #expect(try await http.get(url, headers: [("If-None-Match", "\"5\"")]).status == 200)

            let any = try await http.get(url, headers: [("If-None-Match", "*"), ("Prefer", "wait=30")])
            #expect(any.status == 304, "* names every version, so there is no change to wait for")
            #expect(any.headers["preference-applied"] == nil)

            let asked = ContinuousClock.now
            let timedOut = try await http.get(url, headers: current + [("Prefer", "wait=1")])
            #expect(timedOut.status == 304)
            #expect(timedOut.headers["preference-applied"] == "wait=1")
            #expect(ContinuousClock.now - asked >= .seconds(1), "waited its second")

            let waiting = Task { try await http.get(url, headers: current + [("Prefer", "wait=30")]) }
            try await Task.sleep(for: .milliseconds(300))
            let starting = ContinuousClock.now
            _ = try await server.client.start(jobURL: url)
            let changed = try await waiting.value
            #expect(ContinuousClock.now - starting < .seconds(10), "answered at the change, not after 30 s")
            #expect(changed.status == 200)
            #expect(changed.headers["etag"] != "\"0\"")
            #expect(changed.json["jobStatus"] != "NEW")

            let missing = try await http.get(server.baseURL + "/Job/\(UniqueID.make())", headers: current + [("Prefer", "wait=1")])
            #expect(missing.status == 404)
        }
    }

    @Test func theStartJobThatStartedAJobCannotBeWithdrawn() async throws {
        try await withServer { server in
            let http = RawHTTP(baseURL: server.baseURL)
            let job = try await server.client.create(Job(type: .ameJob, profile: "NoOp"))
            let startJob = try await server.client.start(jobURL: job.id!)
            let refused = try await http.send("DELETE", startJob.id!, raw: nil)
            #expect(refused.status == 409)
            #expect(refused.contentType == "application/problem+json")
            #expect(try await http.get(startJob.id!).status == 200)
            #expect(try await http.send("DELETE", server.baseURL + "/StartJob/\(UniqueID.make())", raw: nil).status == 404)
        }
    }

    @Test func urgentJobsOvertakeAndOtherProfilesAreNotHeldBack() async throws {
        let clip = try await MediaFixtures.clip(in: MediaFixtures.temporaryDirectory())
        var single = try TestServer.configuration()
        single.serviceCapacity = 1
        // Not the tests' 2 s lease: a heartbeat late beside the whole suite let the blocker's lease lapse, its
        // place looked free, and the low job went first.
        single.leaseSeconds = 30
        let configuration = single
        try await withSlowMediaServer(serving: clip) { media in
            try await withServer(configuration) { server in
                let client = server.client
                func metadataJob(_ delay: Int) async throws -> String {
                    try await client.create(
                        Job(type: .ameJob, profile: "ExtractTechnicalMetadata",
                            relatedResource: RelatedResource(locator: "\(media)/media/\(delay)/clip.mp4"))).id!
                }
                let blocker = try await metadataJob(2)
                _ = try await client.start(jobURL: blocker)
                try await eventually("the blocking job runs") { try await client.job(blocker).status == .running }
                let low = try await metadataJob(0)
                let urgent = try await metadataJob(0)
                _ = try await client.start(jobURL: low, priority: .low)
                _ = try await client.start(jobURL: urgent, priority: .urgent)
                let noOp = try await client.create(Job(type: .ameJob, profile: "NoOp")).id!
                _ = try await client.start(jobURL: noOp)
                let quick = try await client.wait(for: noOp)
                #expect(quick.status == .completed)
                #expect(try await client.job(blocker).status == .running)
                let lowDone = try await client.wait(for: low)
                let urgentDone = try await client.wait(for: urgent)
                #expect(
                    try #require(urgentDone.dateModified) < (try #require(lowDone.dateModified)),
                    "urgent \(urgentDone.status) \(urgentDone.statusMessage ?? ""), low \(lowDone.status) \(lowDone.statusMessage ?? "")")
            }
        }
    }

    /// A service that cannot be reached is rested, and the jobs go to one that can. An unreachable service
    /// holds no job, so it looked the least loaded to every dispatch: each job was sent to it until its
    /// attempts ran out, and failed ("No service accepted the job…") while the built-in service had room.
    @Test func jobsGoAroundAServiceThatCannotBeReached() async throws {
        try await withServer { server in
            let gone = try await RawHTTP(baseURL: server.baseURL).send(
                "POST", "/Service",
                ["type": "Service", "label": "Gone", "jobType": "AmeJob", "jobProfiles": ["NoOp"],
                 "processJobEndpoint": .string("http://127.0.0.1:\(try FreePort.pick())/ProcessJob"), "capacity": 100])
            #expect(gone.status == 201)
            var jobs: [String] = []
            for _ in 0..<20 {
                let job = try await server.client.create(Job(type: .ameJob, profile: "NoOp")).id!
                _ = try await server.client.start(jobURL: job)
                jobs.append(job)
            }
            for job in jobs {
                let done = try await server.client.wait(for: job)
                #expect(done.status == .completed, "\(done.statusMessage ?? "")")
            }
        }
    }
}

@Suite struct SystemRouteTests {
    @Test func theServerDescribesItsProtocol() async throws {
        try await withServer { server in
            let http = RawHTTP(baseURL: server.baseURL)
            let openAPI = try await http.get("/openapi.json")
            #expect(openAPI.status == 200)
            let paths = try #require(openAPI.json["paths"]?.objectValue)
            let routes = [
                "/Job", "/Job/{id}", "/StartJob", "/UpdateJob", "/StopJob", "/CancelJob", "/Callback", "/Callback/{id}/redeliver", "/metrics", "/ProcessJob", "/Service", "/JobProfile", "/bus",
                "/bus/services", "/StateMachine", "/Execution", "/Execution/{machine}/{name}", "/Activity/{name}/task", "/",
            ]
            for path in routes {
                #expect(paths[path] != nil, "missing \(path)")
            }
            let execution = paths["/Execution/{machine}/{name}"]?["get"]
            #expect(execution?["responses"]?["304"] != nil)
            #expect(execution?["parameters"]?.arrayValue?.contains { $0["name"] == "Prefer" } == true)
            let context = try await http.get("/context/default")
            #expect(context.json["@context"]?["job"]?["@type"] == "@id")
            let health = try await http.get("/health")
            #expect(health.json["roles"]?.arrayValue?.count == Role.allCases.count)
        }
    }

    /// A node whose data directory's disk has less room than it is to keep free takes no more work: its
    /// health says so, for a load balancer to send the work elsewhere.
    @Test func aNodeShortOfDiskSpaceSaysSo() async throws {
        var configuration = try TestServer.configuration()
        configuration.minFreeMegabytes = 1e12  // an exabyte: more than any disk has free
        let logger = Logger.server(label: "test", level: .critical)
        let application = try await buildApplication(configuration, logger: logger)
        try await whileServing([application], logger: logger) { [configuration] in
            let http = RawHTTP(baseURL: configuration.baseURL)
            try await eventually("the server to answer") { (try? await http.get("/health")) != nil }
            let health = try await http.get("/health")
            #expect(health.status == 503)
            #expect(health.json["status"] == "unavailable")
            let detail = try #require(health.json["detail"]?.stringValue)
            #expect(detail.contains("free for the data directory \(configuration.dataDirectory), less than the 1000000000000 MB kept free"))
        }
    }
}

@Suite struct FailedJobTests {
    @Test func aFileThatIsNotMediaFailsTheJobWithAReason() async throws {
        let text = try MediaFixtures.textFile(in: MediaFixtures.temporaryDirectory())
        try await withCallbackReceiver { receiver, callback in
            try await withServer { server in
                let job = try await server.client.create(
                    Job(type: .ameJob, profile: "ExtractTechnicalMetadata", relatedResource: RelatedResource(locator: text.absoluteString)))
                _ = try await server.client.start(
                    jobURL: job.id!, asyncEndpoint: AsyncEndpoint(success: callback + "/success", failure: callback + "/failure"))
                await receiver.arrival(of: job.id!)
                let failed = try #require(receiver.delivered(job.id!))
                #expect(failed.status == .failed)
                #expect(failed.statusMessage?.contains("not a media file") == true)
                #expect(failed.jobOutput == nil)
            }
        }
    }
}
