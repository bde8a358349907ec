import Foundation
@testable import MediaflowMedia
import MediaflowTesting
import Testing

@Suite struct MediaTransformsTests {
    let transforms = MediaTransforms()

    @Test func makesAProxyAThumbnailAndAMeasurementOfARealClip() async throws {
        let folder = MediaFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let clip = try await MediaFixtures.clip(in: folder, seconds: 3, width: 640, height: 360)

        let proxy = folder.appendingPathComponent("proxy.mp4").path
        try await transforms.makeProxy(from: clip.path, to: proxy, width: 161)
        let summary = try await MetadataExtractor().extract(path: proxy).summary
        #expect(summary.video.first?.codec == "AVC")
        #expect(summary.video.first?.width == 160, "an odd width is made even for H.264")
        #expect(summary.video.first?.height == 90)
        #expect(summary.audio.first?.codec == "AAC")
        #expect(abs((summary.durationSeconds ?? 0) - 3) < 0.1)
        #expect(!FileManager.default.fileExists(atPath: proxy + ".partial"))

        let thumbnail = folder.appendingPathComponent("thumbnail.jpg").path
        try await transforms.makeThumbnail(from: clip.path, to: thumbnail, at: 1.5, width: 120)
        let image = try Data(contentsOf: URL(fileURLWithPath: thumbnail))
        #expect(image.prefix(3) == Data([0xFF, 0xD8, 0xFF]), "a JPEG")
        let stillWidth = try await ToolRunner().run(
            "ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width", "-of", "csv=p=0", thumbnail])
        #expect(stillWidth.trimmingCharacters(in: .whitespacesAndNewlines) == "120")
        #expect(try await transforms.duration(of: clip.path).map { abs($0 - 3) < 0.1 } == true)

        // The fixture's tone: 1 kHz at −18 dBFS, spread over two channels at −3 dB each.
        let loudness = try await transforms.measureLoudness(of: clip.path)
        #expect(abs((loudness.integratedLUFS ?? 0) + 21.1) < 0.5, "\(loudness)")
        #expect(loudness.streams == 1 && loudness.channels == 2)
        #expect(abs((loudness.truePeakDBTP ?? 0) + 20.5) < 1, "\(loudness)")
        #expect(loudness.loudnessRangeLU != nil, "a range, though three seconds are too few for a meaningful one")
    }

    @Test func twoMonoStreamsAreMeasuredAsTheStereoPairTheyCarry() async throws {
        let folder = MediaFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        // As a broadcast master carries its programme: left and right as two mono PCM streams, each a tone at −18 dBFS.
        let master = folder.appendingPathComponent("master.mov").path
        let tone = ["-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=48000:duration=3"]
        _ = try await ToolRunner().run(
            "ffmpeg", ["-nostdin", "-v", "error"] + tone + tone + ["-map", "0", "-map", "1", "-c:a", "pcm_s24le", master])
        let loudness = try await transforms.measureLoudness(of: master)
        #expect(loudness.streams == 2 && loudness.channels == 2)
        // The pair reads 3 LU above either stream alone (−21.1 LUFS).
        #expect(abs((loudness.integratedLUFS ?? 0) + 18.1) < 0.5, "\(loudness)")
    }

    @Test func aProxyAndAMeasurementReportHowFarTheyHaveGone() async throws {
        let folder = MediaFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let clip = try await MediaFixtures.clip(in: folder, seconds: 8, width: 1280, height: 720)
        let reports = Reports()
        let started = ContinuousClock.now
        try await transforms.makeProxy(
            from: clip.path, to: folder.appendingPathComponent("proxy.mp4").path, width: 320, every: .milliseconds(50)
        ) { await reports.add($0) }
        let shares = await reports.shares
        #expect(shares == shares.sorted(), "\(shares)")
        #expect(shares.allSatisfy { (0...1).contains($0) }, "\(shares)")
        // ffmpeg writes its report every half second: a run that long has said something.
        if ContinuousClock.now - started > .seconds(1) { #expect(!shares.isEmpty) }
        let measured = Reports()
        let loudness = try await transforms.measureLoudness(of: clip.path, every: .milliseconds(20)) { await measured.add($0) }
        #expect(loudness.integratedLUFS != nil)
        let measuredShares = await measured.shares
        #expect(measuredShares == measuredShares.sorted() && measuredShares.allSatisfy { (0...1).contains($0) }, "\(measuredShares)")
    }

    @Test func aRunThatMakesHeadwayOutlastsTheToolTimeLimitAndOneThatMakesNoneIsStopped() async throws {
        let transforms = MediaTransforms(tools: ToolRunner(timeout: .seconds(2)))
        let started = ContinuousClock.now
        // In ffmpeg's stead, a report that moves on every tenth of a second for four seconds: no CPU to contend for.
        let limitHanded = try await transforms.reportingProgress(duration: nil, every: .milliseconds(100), to: { _ in }) {
            report, tools in
            var lines = ""
            for tenth in 0..<40 {
                lines += "out_time_us=\(tenth * 100_000)\nprogress=continue\n"
                try lines.write(toFile: report, atomically: true, encoding: .utf8)
                try await Task.sleep(for: .milliseconds(100))
            }
            return tools.timeout
        }
        #expect(limitHanded == nil, "the work runs without the time limit")
        #expect(ContinuousClock.now - started > .seconds(4))

        let stalling = ContinuousClock.now
        await #expect(throws: ToolError.stalled("ffmpeg", after: .seconds(2))) {
            try await transforms.reportingProgress(duration: nil, every: .milliseconds(100), to: { _ in }) { report, _ in
                try "out_time_us=500000\n".write(toFile: report, atomically: true, encoding: .utf8)
                try await Task.sleep(for: .seconds(60))
            }
        }
        #expect(ContinuousClock.now - stalling < .seconds(30), "stopped at the stall, not after the work's minute")
    }

    @Test func aStalledTranscodeIsStoppedAfterTheToolTimeLimit() async throws {
        let folder = MediaFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        // A pipe no one writes into: ffmpeg waits on it for ever, making no headway.
        let pipe = folder.appendingPathComponent("never.ts").path
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        #expect(mkfifo(pipe, 0o600) == 0)
        let proxy = folder.appendingPathComponent("proxy.mp4").path
        await #expect(throws: ToolError.stalled("ffmpeg", after: .seconds(1))) {
            try await MediaTransforms(tools: ToolRunner(timeout: .seconds(1)))
                .makeProxy(from: pipe, to: proxy, width: 320, every: .milliseconds(100))
        }
        // ffmpeg is gone: the pipe has no reader left to open it for.
        try await eventually(timeout: .seconds(5), "ffmpeg lets go of the pipe") {
            let writer = open(pipe, O_WRONLY | O_NONBLOCK)
            if writer >= 0 { close(writer) }
            return writer < 0 && errno == ENXIO
        }
        #expect(!FileManager.default.fileExists(atPath: proxy) && !FileManager.default.fileExists(atPath: proxy + ".partial"))
    }

    actor Reports {
        var shares: [Double] = []
        func add(_ share: Double) { shares.append(share) }
    }

    @Test func whatCannotBeMadeIsRefusedWithAReason() async throws {
        let folder = MediaFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let silent = try await MediaFixtures.clip(in: folder, seconds: 2, audio: false)
        await #expect(throws: MediaError.unreadable("the media has no audio to measure")) {
            try await transforms.measureLoudness(of: silent.path)
        }
        let thumbnail = folder.appendingPathComponent("late.jpg").path
        await #expect(throws: MediaError.unreadable("the media has no frame at 30 s")) {
            try await transforms.makeThumbnail(from: silent.path, to: thumbnail, at: 30, width: 120)
        }
        #expect(!FileManager.default.fileExists(atPath: thumbnail) && !FileManager.default.fileExists(atPath: thumbnail + ".partial"))
        let text = try MediaFixtures.textFile(in: folder)
        await #expect(throws: ToolError.self) {
            try await transforms.makeProxy(from: text.path, to: folder.appendingPathComponent("p.mp4").path, width: 320)
        }
    }

    @Test func transcodesByEachPreset() async throws {
        let folder = MediaFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let clip = try await MediaFixtures.clip(in: folder, seconds: 2, width: 322, height: 182)
        let expected: [TranscodePreset: (video: String, audio: String)] = [
            .h264_1080p: ("AVC", "AAC"), .h264_720p: ("AVC", "AAC"), .proresProxy: ("ProRes", "PCM"), .dnxhrLB: ("VC-3", "PCM"),
        ]
        for preset in TranscodePreset.allCases {
            let output = folder.appendingPathComponent("\(preset.rawValue).\(preset.fileExtension)").path
            try await transforms.transcode(from: clip.path, to: output, preset: preset)
            let summary = try await MetadataExtractor().extract(path: output).summary
            #expect(summary.video.first?.codec == expected[preset]?.video, "\(preset): \(summary.video)")
            #expect(summary.video.first?.width == 322 && summary.video.first?.height == 182, "\(preset): no larger than its source")
            #expect(summary.audio.first?.codec == expected[preset]?.audio, "\(preset): \(summary.audio)")
            #expect(abs((summary.durationSeconds ?? 0) - 2) < 0.1, "\(preset)")
        }
    }

    @Test func extractsTheAudioInEachFormat() async throws {
        let folder = MediaFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let clip = try await MediaFixtures.clip(in: folder, seconds: 2)
        for (format, codec) in [(AudioFormat.wav, "PCM"), (.flac, "FLAC"), (.m4a, "AAC")] {
            let audio = folder.appendingPathComponent("audio.\(format.rawValue)").path
            try await transforms.extractAudio(from: clip.path, to: audio, format: format)
            let summary = try await MetadataExtractor().extract(path: audio).summary
            #expect(summary.video.isEmpty, "\(format)")
            #expect(summary.audio.first?.codec == codec, "\(format): \(summary.audio)")
            #expect(summary.audio.first?.channels == 2 && summary.audio.first?.sampleRate == 48000, "\(format): \(summary.audio)")
            #expect(abs((summary.durationSeconds ?? 0) - 2) < 0.1, "\(format)")
        }
        let silent = try await MediaFixtures.clip(in: folder, name: "no-audio.mp4", seconds: 1, audio: false)
        let nothing = folder.appendingPathComponent("nothing.wav").path
        await #expect(throws: MediaError.unreadable("the media has no audio to extract")) {
            try await transforms.extractAudio(from: silent.path, to: nothing, format: .wav)
        }
        #expect(!FileManager.default.fileExists(atPath: nothing))
    }

    @Test func findsTheBlackAndSilentStretchesOfAClip() async throws {
        let folder = MediaFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let clip = try await MediaFixtures.blackAndSilentClip(in: folder)
        let reports = Reports()
        let found = try await transforms.detectBlackAndSilence(in: clip.path, every: .milliseconds(20)) { await reports.add($0) }
        let black = try #require(found.blackSegments)
        #expect(black.count == 2, "\(black)")
        #expect(abs(black[0].startSeconds) < 0.05 && abs(black[0].endSeconds - 2) < 0.05, "\(black)")
        #expect(abs(black[1].startSeconds - 5) < 0.05 && abs(black[1].endSeconds - 7.5) < 0.1, "\(black)")
        let silent = try #require(found.silentSegments)
        #expect(silent.count == 1, "\(silent)")
        #expect(abs(silent[0].startSeconds - 3) < 0.05 && abs(silent[0].durationSeconds - 4.5) < 0.1, "\(silent)")
        let shares = await reports.shares
        #expect(shares == shares.sorted() && shares.allSatisfy { (0...1).contains($0) }, "\(shares)")

        var longer = BlackAndSilenceThresholds()
        longer.minBlackSeconds = 2.6
        longer.minSilenceSeconds = 5
        #expect(try await transforms.detectBlackAndSilence(in: clip.path, thresholds: longer) == BlackAndSilence(blackSegments: [], silentSegments: []))

        let silentVideo = try await MediaFixtures.clip(in: folder, name: "no-audio.mp4", seconds: 2, audio: false)
        #expect(try await transforms.detectBlackAndSilence(in: silentVideo.path) == BlackAndSilence(blackSegments: [], silentSegments: nil))
        await #expect(throws: ToolError.self) { try await transforms.detectBlackAndSilence(in: try MediaFixtures.textFile(in: folder).path) }
    }

    @Test func readsFFmpegsBlackAndSilenceLog() {
        let log = """
            [blackdetect @ 0x5615b2541b80] black_start:0 black_end:2 black_duration:2
            [silencedetect @ 0x5615b216b0c0] silence_start: 3.00071
            [blackdetect @ 0x5615b2541b80] black_start:5 black_end:7.48 black_duration:2.48
            frame=  187 fps=0.0 q=-0.0 Lsize=N/A time=00:00:07.50 bitrate=N/A speed=  46x
            [silencedetect @ 0x5615b216b0c0] silence_end: 7.50933 | silence_duration: 4.50862
            """
        let read = BlackAndSilence(ffmpegLog: log, video: true, audio: true)
        #expect(read.blackSegments == [
            MediaSegment(startSeconds: 0, endSeconds: 2, durationSeconds: 2), MediaSegment(startSeconds: 5, endSeconds: 7.48, durationSeconds: 2.48),
        ])
        #expect(read.silentSegments == [MediaSegment(startSeconds: 3.00071, endSeconds: 7.50933, durationSeconds: 4.50862)])
        #expect(BlackAndSilence(ffmpegLog: log, video: false, audio: true).blackSegments == nil, "no video, nothing to say of black")
    }

    @Test func readsFFmpegsLoudnessSummary() {
        let summary = """
            [Parsed_ebur128_0 @ 0x55a57ce7ad40] Summary:

              Integrated loudness:
                I:         -23.4 LUFS
                Threshold: -33.5 LUFS

              Loudness range:
                LRA:         6.2 LU
                Threshold: -43.6 LUFS

              True peak:
                Peak:       -1.8 dBFS
            """
        #expect(Loudness(ebur128Summary: summary) == Loudness(integratedLUFS: -23.4, loudnessRangeLU: 6.2, truePeakDBTP: -1.8))
        let silence = summary.replacingOccurrences(of: "-1.8", with: "-inf").replacingOccurrences(of: "-23.4", with: "-inf")
        #expect(Loudness(ebur128Summary: silence) == Loudness(integratedLUFS: nil, loudnessRangeLU: 6.2, truePeakDBTP: nil))
        #expect(Loudness(ebur128Summary: "I: -23.4 LUFS") == nil, "no summary")
        #expect(Loudness(ebur128Summary: summary.replacingOccurrences(of: "LRA:", with: "")) == nil)
    }
}
