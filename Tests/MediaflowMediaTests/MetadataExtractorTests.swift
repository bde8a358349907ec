import Foundation
import MediaflowMedia
import MediaflowModel
import MediaflowTesting
import Testing

@Suite struct MetadataExtractorTests {
    @Test func readsTheTechnicalMetadataOfARealClip() async throws {
        let folder = MediaFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let clip = try await MediaFixtures.clip(in: folder, seconds: 3, width: 640, height: 360)
        let result = try await MetadataExtractor().extract(path: clip.path)
        let summary = result.summary
        #expect(summary.container == "MPEG-4")
        #expect(abs((summary.durationSeconds ?? 0) - 3) < 0.1)
        #expect(summary.video.count == 1)
        #expect(summary.video.first?.codec == "AVC")
        #expect(summary.video.first?.width == 640)
        #expect(summary.video.first?.height == 360)
        #expect(summary.video.first?.frameRate == 25)
        #expect(summary.audio.first?.codec == "AAC")
        #expect(summary.audio.first?.channels == 2)
        #expect(summary.audio.first?.sampleRate == 48000)
        #expect(result.ebuCoreXML.contains("<ebucore:ebuCoreMain"))
        #expect(result.ebuCoreXML.contains("AVC"))
        let probe = try ProtocolJSON.decode(JSONValue.self, from: Data(result.ffprobeJSON.utf8))
        let streams = probe["streams"]?.arrayValue ?? []
        #expect(streams.map { $0["codec_name"]?.stringValue } == ["h264", "aac"])
        #expect(streams.first?["width"] == 640)
        #expect(probe["format"]?["format_name"]?.stringValue?.contains("mp4") == true)
    }

    @Test func aFileThatIsNotMediaIsRefused() async throws {
        let folder = MediaFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let text = try MediaFixtures.textFile(in: folder)
        await #expect(throws: MediaError.notMedia) { try await MetadataExtractor().extract(path: text.path) }
    }
}

@Suite struct ToolRunnerTests {
    @Test func aToolPastItsTimeLimitIsKilled() async throws {
        let runner = ToolRunner(timeout: .milliseconds(300))
        let started = ContinuousClock.now
        await #expect(throws: ToolError.timedOut("sleep", after: .milliseconds(300))) {
            try await runner.run("sleep", ["300"])
        }
        // Far short of the tool's own end, with room for a busy machine (beside the whole suite it took 11 s).
        #expect(ContinuousClock.now - started < .seconds(60))
    }

    /// A tool that ends without reading its input (a function's command that ignores it) ends the run as
    /// any other: its input once went down a pipe, and swift-subprocess trapped on the pipe it left open when
    /// the write failed, taking the whole server down.
    @Test func aToolThatIgnoresItsInputEndsNormally() async throws {
        let input = String(repeating: "x", count: 1 << 20)  // more than a pipe holds: the tool is gone before it is written
        let outcome = try await ToolRunner().execute("sh", ["-c", "echo ignored"], input: input)
        #expect(outcome.exitCode == 0)
        #expect(outcome.output == "ignored\n")
        let read = try await ToolRunner().execute("wc", ["-c"], input: input)
        #expect(read.output.trimmingCharacters(in: .whitespacesAndNewlines) == String(1 << 20), "a tool that reads it gets all of it")
    }

    @Test func aMissingToolIsNamed() async throws {
        await #expect(throws: ToolError.notFound("no-such-tool-here")) {
            try await ToolRunner().run("no-such-tool-here", [])
        }
    }

    @Test func outputPastTheLimitIsAnErrorNotATruncation() async throws {
        let runner = ToolRunner(outputLimit: 1000)
        await #expect(throws: ToolError.outputTooLarge("head", limit: 1000)) {
            try await runner.run("head", ["-c", "5000", "/dev/zero"])
        }
    }

    @Test func aFailingToolReportsItsStatusAndMessage() async throws {
        let error = await #expect(throws: ToolError.self) { try await ToolRunner().run("ls", ["/no/such/folder"]) }
        guard case .failed(let tool, let status, let message) = error else {
            Issue.record("expected a failure, got \(String(describing: error))")
            return
        }
        #expect(tool == "ls")
        #expect(status != 0)
        #expect(message.contains("/no/such/folder"))
    }
}

@Suite struct LocatorResolverTests {
    @Test func fileLocatorsMustPointAtAReadableFile() async throws {
        let resolver = LocatorResolver(httpClient: .shared, scratchDirectory: MediaFixtures.temporaryDirectory())
        await #expect(throws: MediaError.unreadable("no such file /no/such.mp4")) {
            try await resolver.resolve("file:///no/such.mp4")
        }
        await #expect(throws: MediaError.unsupportedLocator("ftp://host/clip.mp4")) {
            try await resolver.resolve("ftp://host/clip.mp4")
        }
    }
}
