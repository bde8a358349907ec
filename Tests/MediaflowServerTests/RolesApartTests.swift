import Foundation
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
