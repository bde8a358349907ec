import AsyncHTTPClient
import Foundation
import MediaflowMedia
import MediaflowModel
import MediaflowServer
import MediaflowTesting
import Testing

/// The built-in transform and QA services through the job protocol: a proxy, a thumbnail and a loudness
/// measurement of a real clip, each a file served by the server or a finding in the job's output.
@Suite struct TransformJobTests {
    @Test func proxiesThumbnailsAndLoudnessRunAsJobs() async throws {
        let clip = try await MediaFixtures.clip(in: MediaFixtures.temporaryDirectory(), seconds: 3, width: 640, height: 360)
        try await withCallbackReceiver { receiver, callback in
            try await withServer { server in
                let run = Runner(server: server, receiver: receiver, callback: callback, clip: clip)
                async let proxyJob = run.finished(.transformJob, "CreateProxy", ["width": 320])
                async let thumbnailJob = run.finished(.transformJob, "CreateThumbnail", ["atSeconds": 2, "width": 160])
                async let loudnessJob = run.finished(.qaJob, "MeasureLoudness", ["targetLUFS": -21])
                let (proxy, thumbnail, loudness) = try await (proxyJob, thumbnailJob, loudnessJob)

                #expect(proxy.status == .completed, "\(proxy.statusMessage ?? "")")
                let proxyFile = try #require(proxy.jobOutput?["proxy"]?["file"]?.stringValue)
                let summary = try await MetadataExtractor().extract(path: String(proxyFile.dropFirst("file://".count))).summary
                #expect(summary.video.first?.width == 320)
                #expect(summary.audio.first?.codec == "AAC")
                let served = try await Self.get(try #require(proxy.jobOutput?["proxy"]?["locator"]?.stringValue))
                #expect(served.status == 200)
                #expect(served.bytes == (try FileManager.default.attributesOfItem(atPath: String(proxyFile.dropFirst(7)))[.size] as? Int))

                #expect(thumbnail.status == .completed, "\(thumbnail.statusMessage ?? "")")
                #expect(thumbnail.jobOutput?["atSeconds"] == 2)
                let still = try await Self.get(try #require(thumbnail.jobOutput?["thumbnail"]?["locator"]?.stringValue))
                #expect(still.status == 200 && still.contentType == "image/jpeg")

                #expect(loudness.status == .completed, "\(loudness.statusMessage ?? "")")
                let integrated = try #require(loudness.jobOutput?["loudness"]?["integratedLUFS"]?.numberValue)
                #expect(abs(integrated + 21.1) < 0.5)
                #expect(loudness.jobOutput?["passed"] == true)
                #expect(loudness.jobOutput?["findings"] == [])
            }
        }
    }

    @Test func aTargetMissedIsAFindingAndAnInputOutOfRangeFailsTheJob() async throws {
        let clip = try await MediaFixtures.clip(in: MediaFixtures.temporaryDirectory(), seconds: 2)
        try await withCallbackReceiver { receiver, callback in
            try await withServer { server in
                let run = Runner(server: server, receiver: receiver, callback: callback, clip: clip)
                let missed = try await run.finished(.qaJob, "MeasureLoudness", ["maxTruePeakDBTP": -30])
                #expect(missed.status == .completed)
                #expect(missed.jobOutput?["passed"] == false)
                #expect(missed.jobOutput?["findings"]?.arrayValue?.map(\.stringValue) == [
                    "Integrated loudness -21.1 LUFS is outside -23 ± 1 LU",
                    "True peak \(JSONWriter.text(missed.jobOutput?["loudness"]?["truePeakDBTP"] ?? .null)) dBTP is above -30 dBTP",
                ])
                let narrow = try await run.finished(.transformJob, "CreateProxy", ["width": 4])
                #expect(narrow.status == .failed)
                #expect(narrow.statusMessage == "jobInput.width must lie between 16 and 7680")
                #expect(narrow.jobOutput == nil)
            }
        }
    }

    @Test func blackAndSilenceAreFindingsOfAQAJob() async throws {
        let clip = try await MediaFixtures.blackAndSilentClip(in: MediaFixtures.temporaryDirectory())
        try await withCallbackReceiver { receiver, callback in
            try await withServer { server in
                let run = Runner(server: server, receiver: receiver, callback: callback, clip: clip)
                let checked = try await run.finished(.qaJob, "DetectBlackAndSilence", ["minBlackSeconds": 1.5])
                #expect(checked.status == .completed, "\(checked.statusMessage ?? "")")
                #expect(checked.jobOutput?["blackSegments"]?.arrayValue?.count == 2)
                #expect(checked.jobOutput?["silentSegments"]?.arrayValue?.first?["startSeconds"]?.numberValue.map { abs($0 - 3) < 0.05 } == true)
                #expect(checked.jobOutput?["passed"] == false)
                let findings = checked.jobOutput?["findings"]?.arrayValue?.compactMap(\.stringValue) ?? []
                #expect(findings.count == 3 && findings[0] == "Black from 0 s to 2 s (2 s)", "\(findings)")
                #expect(findings.last?.hasPrefix("Silence from 3") == true, "\(findings)")

                let tooShort = try await run.finished(.qaJob, "DetectBlackAndSilence", ["minSilenceSeconds": 0])
                #expect(tooShort.status == .failed)
                #expect(tooShort.statusMessage == "jobInput.minSilenceSeconds must lie between 0.01 and 3600")
            }
        }
    }

    @Test func audioAndTranscodesAreMadeAsAsked() async throws {
        let clip = try await MediaFixtures.clip(in: MediaFixtures.temporaryDirectory(), seconds: 2)
        try await withCallbackReceiver { receiver, callback in
            try await withServer { server in
                let run = Runner(server: server, receiver: receiver, callback: callback, clip: clip)
                let extracted = try await run.finished(.transformJob, "ExtractAudio", ["format": "flac"])
                #expect(extracted.status == .completed, "\(extracted.statusMessage ?? "")")
                #expect(extracted.jobOutput?["audio"]?["format"] == "FLAC")
                let served = try await Self.get(try #require(extracted.jobOutput?["audio"]?["locator"]?.stringValue))
                #expect(served.status == 200 && served.bytes > 1000 && served.contentType == "audio/flac")

                let unknown = try await run.finished(.transformJob, "ExtractAudio", ["format": "mp3"])
                #expect(unknown.status == .failed)
                #expect(unknown.statusMessage == "jobInput.format must be one of wav, flac, m4a")

                let editing = try await run.finished(.transformJob, "Transcode", ["preset": "prores-proxy"])
                #expect(editing.status == .completed, "\(editing.statusMessage ?? "")")
                #expect(editing.jobOutput?["transcoded"]?["format"] == "QuickTime (ProRes 422 Proxy, PCM)")
                let movie = try await Self.get(try #require(editing.jobOutput?["transcoded"]?["locator"]?.stringValue))
                #expect(movie.status == 200 && movie.contentType == "video/quicktime")
                let unknownPreset = try await run.finished(.transformJob, "Transcode", ["preset": "vhs"])
                #expect(unknownPreset.statusMessage == "jobInput.preset must be one of h264-1080p, h264-720p, prores-proxy, dnxhr-lb")
            }
        }
    }

    /// Runs jobs on a clip and waits for each to end.
    struct Runner {
        let server: TestServer
        let receiver: CallbackReceiver
        let callback: String
        let clip: URL

        /// The job as its callback delivered it.
        func finished(_ type: JobType, _ profile: String, _ input: JSONObject) async throws -> Job {
            let job = try await server.client.create(
                Job(type: type, profile: profile, relatedResource: RelatedResource(locator: clip.absoluteString), jobInput: input))
            _ = try await server.client.start(
                jobURL: job.id!, asyncEndpoint: AsyncEndpoint(success: callback + "/success", failure: callback + "/failure"))
            await receiver.arrival(of: job.id!)
            return try #require(receiver.delivered(job.id!))
        }
    }

    private static func get(_ url: String) async throws -> (status: UInt, contentType: String?, bytes: Int) {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 64 << 20)
        return (response.status.code, response.headers.first(name: "Content-Type"), body.readableBytes)
    }
}
