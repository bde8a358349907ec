import Foundation
import MediaflowModel
import MediaflowServer
import MediaflowTesting
import Testing

/// The seed-000 flow message by message over real sockets, compared with the seed's payloads.
@Suite(.serialized) struct SeedFlowTests {
    @Test func theSeedFlowRunsMessageByMessage() async throws {
        let folder = MediaFixtures.temporaryDirectory()
        let clip = try await MediaFixtures.clip(in: folder)
        try await withCallbackReceiver { receiver, callback in
            try await withServer { server in
                let http = RawHTTP(baseURL: server.baseURL)
                // Message 1 → 2: POST /Job.
                var message1 = try Golden.json("message-01-create-job")
                message1 = message1.replacing(["hasRelatedResource", "locator"], with: .string(clip.absoluteString))
                let created = try await http.send("POST", "/Job", message1)
                #expect(created.status == 201)
                #expect(created.contentType == "application/json; charset=utf-8")
                let jobURL = try #require(created.json["id"]?.stringValue)
                #expect(created.location == URL(string: jobURL)?.path)
                let seedLocator = try Golden.json("message-01-create-job")["hasRelatedResource"]!["locator"]!.stringValue!
                try Golden.expectShape(
                    created.json, matches: "message-02-job-created", baseURL: server.baseURL,
                    hosts: [(clip.absoluteString, seedLocator)])

                // Message 3 → 10: POST /StartJob to the processor.
                var message3 = try Golden.json("message-03-start-job")
                message3 = message3.replacing(["job"], with: .string(jobURL))
                    .replacing(["asyncEndpoint", "success"], with: .string(callback + "/success"))
                    .replacing(["asyncEndpoint", "failure"], with: .string(callback + "/failure"))
                let started = try await http.send("POST", "/StartJob", message3)
                #expect(started.status == 201)
                let startJobURL = try #require(started.json["id"]?.stringValue)
                #expect(started.location == startJobURL)
                try Golden.expectShape(
                    started.json, matches: "message-10-start-job-created", baseURL: server.baseURL,
                    hosts: [(callback, "https://workflow-orchestration")])

                // Messages 8–9: the job was QUEUED with its startJob link before the 201.
                await receiver.arrival(of: jobURL)
                let done = try await server.client.job(jobURL)
                #expect(done.startJob == startJobURL)
                #expect(done.status == .completed)
                #expect(done.progress == 100)
                #expect(done.processJob?.hasPrefix("\(server.baseURL)/ProcessJob/") == true)

                // The success callback carries the final job with its technical metadata.
                let delivered = try #require(receiver.delivered(jobURL))
                #expect(delivered.status == .completed)
                let metadata = try #require(delivered.jobOutput?["technicalMetadata"])
                #expect(metadata["container"] == "MPEG-4")
                #expect(metadata["video"]?.arrayValue?.first?["width"] == 320)
                #expect(metadata["audio"]?.arrayValue?.first?["sampleRate"] == 48000)
                let ebuCore = try #require(delivered.jobOutput?["ebucore"]?["locator"]?.stringValue)
                let document = try await http.get(ebuCore)
                #expect(document.status == 200)
                #expect(String(decoding: document.body, as: UTF8.self).contains("ebucore:ebuCoreMain"))
                let probe = try #require(delivered.jobOutput?["ffprobe"]?["locator"]?.stringValue)
                #expect(try await http.get(probe).json["streams"]?.arrayValue?.first?["codec_name"] == "h264")

                // The StartJob record reads back (message 7's shape).
                let record = try await http.get(startJobURL)
                try Golden.expectShape(
                    record.json, matches: "message-07-start-job-recorded", baseURL: server.baseURL,
                    hosts: [(callback, "https://workflow-orchestration")])
            }
        }
    }

    @Test func theServiceAnswersProcessJobAsTheSeedShows() async throws {
        try await withServer { server in
            let http = RawHTTP(baseURL: server.baseURL)
            let job = try await server.client.create(Job(type: .ameJob, profile: "NoOp"))
            var message11 = try Golden.json("message-11-process-job")
            message11 = message11.replacing(["job"], with: .string(job.id!))
            for key in ["update", "success", "failure"] {
                let path = key == "update" ? "/UpdateJob" : "/StopJob"
                message11 = message11.replacing(["asyncEndpoint", key], with: .string(server.baseURL + path))
            }
            let accepted = try await http.send("POST", "/ProcessJob", message11)
            #expect(accepted.status == 201)
            #expect(accepted.location?.hasPrefix("/ProcessJob/") == true)
            try Golden.expectShape(
                accepted.json, matches: "message-12-process-job-created", baseURL: server.baseURL,
                hosts: [
                    (server.baseURL + "/UpdateJob", "http://job-processor/UpdateJob"),
                    (server.baseURL + "/StopJob", "http://job-processor/StopJob"),
                ])
        }
    }
}
