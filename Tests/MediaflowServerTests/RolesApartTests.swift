import Foundation
import Logging
import MediaflowModel
import MediaflowServer
import MediaflowTesting
import Testing

/// Each role as its own server, talking to the others only over HTTP, as in the seed's messages.
@Suite struct RolesApartTests {
    @Test func aJobRunsAcrossFourSeparateServers() async throws {
        var repository = try TestServer.configuration(roles: [.jobRepository])
        let registry = try TestServer.configuration(roles: [.serviceRegistry])
        var processor = try TestServer.configuration(roles: [.jobProcessor])
        var ame = try TestServer.configuration(roles: [.ameService])
        repository.registryURL = registry.baseURL
        processor.repositoryURL = repository.baseURL
        processor.registryURL = registry.baseURL
        ame.repositoryURL = repository.baseURL
        ame.registryURL = registry.baseURL
        let clip = try await MediaFixtures.clip(in: MediaFixtures.temporaryDirectory())
        let configurations = [repository, registry, processor, ame]
        let ameURL = ame.baseURL

        try await withCallbackReceiver { receiver, callback in
            try await withServers(configurations) { servers in
                let (repositoryServer, registryServer, processorServer) = (servers[0], servers[1], servers[2])
                let http = RawHTTP(baseURL: registryServer.baseURL)
                try await eventually("the AME service registers itself with the registry") {
                    let services = try await http.get("/Service").json.arrayValue ?? []
                    return services.contains { $0["processJobEndpoint"]?.stringValue == "\(ameURL)/ProcessJob" }
                }
                let job = try await repositoryServer.client.create(
                    Job(type: .ameJob, profile: "ExtractTechnicalMetadata", relatedResource: RelatedResource(locator: clip.absoluteString)))
                #expect(job.id?.hasPrefix(repositoryServer.baseURL + "/Job/") == true)

                let startJob = try await processorServer.client.start(
                    jobURL: job.id!, asyncEndpoint: AsyncEndpoint(success: callback + "/success", failure: callback + "/failure"))
                #expect(startJob.id?.hasPrefix(repositoryServer.baseURL + "/StartJob/") == true)

                await receiver.arrival(of: job.id!)
                let done = try await repositoryServer.client.job(job.id!)
                #expect(done.status == .completed)
                #expect(done.startJob == startJob.id)
                #expect(done.processJob?.hasPrefix(ameURL + "/ProcessJob/") == true)
                #expect(done.jobOutput?["technicalMetadata"]?["container"] == "MPEG-4")
                #expect(receiver.delivered(job.id!)?.status == .completed)
                let recorded = try await RawHTTP(baseURL: repositoryServer.baseURL).get(startJob.id!)
                #expect(recorded.status == 200)
                #expect(recorded.json["job"]?.stringValue == job.id)
            }
        }
    }

    /// Two processors change one job through one repository: a `StopJob` through one and heartbeats through
    /// the other, all at once. Each writes from what it read with `If-Match`, so no heartbeat undoes the end.
    /// A node whose services register with a registry in another process takes no work before they are registered:
    /// its health says so, for a load balancer, and for a processor that would find no service for its jobs.
    @Test func aNodeIsNotReadyUntilItsServicesAreRegistered() async throws {
        let registry = try TestServer.configuration(roles: [.serviceRegistry])
        var ame = try TestServer.configuration(roles: [.ameService])
        ame.repositoryURL = registry.baseURL
        ame.registryURL = registry.baseURL
        let logger = Logger.server(label: "test", level: .critical)
        let node = try await buildApplication(ame, logger: logger)
        let nodeURL = ame.baseURL
        let http = RawHTTP(baseURL: nodeURL)
        try await whileServing([node], logger: logger) {
            try await eventually("the node to answer") { (try? await http.get("/health"))?.status == 503 }
            let health = try await http.get("/health")
            #expect(health.json["detail"] == .string("Registering the built-in services with the registry at \(registry.baseURL)"))
            try await withServer(registry) { registryServer in
                try await waitForHealth(nodeURL)
                let services = try await RawHTTP(baseURL: registryServer.baseURL).get("/Service").json.arrayValue ?? []
                let offered = services.filter { $0["processJobEndpoint"]?.stringValue == "\(nodeURL)/ProcessJob" }
                    .flatMap { $0["jobProfiles"]?.arrayValue ?? [] }
                #expect(offered.contains("NoOp") && offered.contains("ExtractTechnicalMetadata"), "\(offered)")
            }
        }
    }

    @Test func processorsSharingARepositoryDoNotUndoEachOthersChanges() async throws {
        let clip = try await MediaFixtures.clip(in: MediaFixtures.temporaryDirectory())
        let repository = try TestServer.configuration(roles: [.jobRepository, .serviceRegistry])
        var processors = [try TestServer.configuration(roles: [.jobProcessor]), try TestServer.configuration(roles: [.jobProcessor])]
        var ame = try TestServer.configuration(roles: [.ameService])
        for index in processors.indices {
            processors[index].repositoryURL = repository.baseURL
            processors[index].registryURL = repository.baseURL
        }
        ame.repositoryURL = repository.baseURL
        ame.registryURL = repository.baseURL
        let configurations = [repository] + processors + [ame]

        try await withSlowMediaServer(serving: clip) { media in
            try await withServers(configurations) { servers in
                let (repositoryServer, first, second) = (servers[0], servers[1], servers[2])
                try await eventually("the AME service registers itself") {
                    !(try await RawHTTP(baseURL: repositoryServer.baseURL).get("/Service").json.arrayValue ?? []).isEmpty
                }
                let job = try await repositoryServer.client.create(
                    Job(type: .ameJob, profile: "ExtractTechnicalMetadata",
                        relatedResource: RelatedResource(locator: "\(media)/media/8/clip.mp4")))
                let url = job.id!
                _ = try await first.client.start(jobURL: url)
                try await eventually("the job runs") { try await repositoryServer.client.job(url).status == .running }

                let stop: JSONValue = ["type": "StopJob", "job": .string(url), "jobStatus": "COMPLETED", "statusMessage": "Stopped"]
                let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                    group.addTask { try await RawHTTP(baseURL: first.baseURL).send("POST", "/StopJob", stop).status }
                    for progress in 1...20 {
                        let update: JSONValue = [
                            "type": "UpdateJob", "job": .string(url), "jobStatus": "RUNNING", "progress": .number(Double(progress)),
                        ]
                        group.addTask { try await RawHTTP(baseURL: second.baseURL).send("POST", "/UpdateJob", update).status }
                    }
                    return try await group.reduce(into: [Int]()) { $0.append($1) }
                }
                #expect(statuses.allSatisfy { $0 == 200 })
                let done = try await repositoryServer.client.job(url)
                #expect(done.status == .completed)
                #expect(done.statusMessage == "Stopped")
                #expect(done.progress == 100)
            }
        }
    }

    /// A service apart from its processor that shuts down with a job running hands the job back (`UpdateJob`
    /// with `jobStatus` QUEUED): the processor queues it again at once, where it waited out its lease, and the
    /// service, once back, runs it to the end.
    @Test func aServiceApartHandsBackItsJobAsItStops() async throws {
        let clip = try await MediaFixtures.clip(in: MediaFixtures.temporaryDirectory())
        var core = try TestServer.configuration(roles: [.jobRepository, .serviceRegistry, .jobProcessor])
        core.leaseSeconds = 60
        var ame = try TestServer.configuration(roles: [.ameService])
        ame.repositoryURL = core.baseURL
        ame.registryURL = core.baseURL
        let (coreConfiguration, ameConfiguration) = (core, ame)

        try await withSlowMediaServer(serving: clip) { media in
            try await withServer(coreConfiguration) { server in
                let url = try await withServer(ameConfiguration) { _ in
                    try await eventually("the AME service registers itself") {
                        !(try await RawHTTP(baseURL: server.baseURL).get("/Service").json.arrayValue ?? []).isEmpty
                    }
                    let job = try await server.client.create(
                        Job(type: .ameJob, profile: "ExtractTechnicalMetadata",
                            relatedResource: RelatedResource(locator: "\(media)/media/6/clip.mp4")))
                    _ = try await server.client.start(jobURL: job.id!)
                    try await eventually("the job runs") { try await server.client.job(job.id!).status == .running }
                    return job.id!
                }
                let handedBack = try await server.client.job(url)
                #expect(handedBack.status == .queued)
                #expect(handedBack.statusMessage == "Service shut down; queued again")
                #expect(handedBack.processJob == nil)

                try await withServer(ameConfiguration) { _ in
                    let done = try await server.client.wait(for: url)
                    #expect(done.status == .completed, "\(done.statusMessage ?? "")")
                }
            }
        }
    }

    /// A hand-back from a `ProcessJob` that does not run the job changes nothing.
    @Test func aStaleHandBackChangesNothing() async throws {
        try await withServer { server in
            let job = try await server.client.create(Job(type: .ameJob, profile: "NoOp"))
            let reply = try await RawHTTP(baseURL: server.baseURL).send(
                "POST", "/UpdateJob",
                ["type": "UpdateJob", "job": .string(job.id!), "jobStatus": "QUEUED",
                 "processJob": .string("\(server.baseURL)/ProcessJob/0b9f5d7e-2a4c-4c1e-9d1a-6f3e2b1c0a99")])
            #expect(reply.status == 200)
            #expect(reply.json["jobStatus"] == "NEW")
            #expect(try await server.client.job(job.id!).statusMessage == nil)
        }
    }

    @Test func aRoleThatDoesNotAnswerIsABadGateway() async throws {
        var processor = try TestServer.configuration(roles: [.jobProcessor, .serviceRegistry])
        processor.repositoryURL = "http://127.0.0.1:\(try FreePort.pick())"
        let configuration = processor
        try await withServer(configuration) { server in
            let reply = try await RawHTTP(baseURL: server.baseURL).send(
                "POST", "/StartJob",
                ["type": "StartJob", "job": .string("\(configuration.repositoryURL!)/Job/50f8a0cb-d722-43a9-bef9-2f4c0ebb3e14")])
            #expect(reply.status == 502)
            #expect(reply.contentType == "application/problem+json")
        }
    }
}
