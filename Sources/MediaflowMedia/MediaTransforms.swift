import Foundation
import MediaflowModel

/// What ffmpeg makes of a media file for the built-in transform and QA services: a proxy to view, a
/// thumbnail, its audio (`+Audio`), an EBU R128 loudness measurement, and its black and silent stretches
/// (`+Detection`).
public struct MediaTransforms: Sendable {
    let tools: ToolRunner

    public init(tools: ToolRunner = ToolRunner()) { self.tools = tools }

    /// Writes a proxy of the file at `input` to `output`: H.264 and AAC in MP4, `width` pixels wide (the height
    /// in proportion), made quickly for viewing in a browser, not for finishing. Media with no video gives an
    /// audio-only proxy; media with no audio a silent one. While ffmpeg works, `progress` is told the share of
    /// the media done (0 to 1) every `interval`, where the media has a duration.
    /// - Throws: `ToolError` when ffmpeg cannot read the input or write the proxy, `MediaError.unreadable` when
    ///   it writes nothing.
    public func makeProxy(
        from input: String, to output: String, width: Int, every interval: Duration = .seconds(1),
        progress: @escaping @Sendable (Double) async -> Void = { _ in }
    ) async throws {
        // ffmpeg says best why it cannot read the input: a probe that fails only leaves the progress unknown.
        try await write(
            output, from: input, duration: (try? await probe(input))?.duration, orElse: MediaError.unreadable("ffmpeg made no proxy of it"),
            options: [
                "-map", "0:v:0?", "-map", "0:a:0?", "-vf", "scale=\(Self.even(width)):-2", "-c:v", "libx264",
                "-preset", "veryfast", "-crf", "28", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "128k",
                "-movflags", "+faststart", "-f", "mp4",
            ],
            every: interval, progress: progress)
    }

    /// Has ffmpeg write `output` from the file at `input` with the output `options`, through a partial file (see
    /// `writeThroughPartialFile`), telling `progress` the share done of media `duration` seconds long (see
    /// `reportingProgress`). - Throws: `empty` when ffmpeg succeeds but writes nothing, `ToolError` when it fails.
    func write(
        _ output: String, from input: String, duration: Double?, orElse empty: MediaError, options: [String],
        every interval: Duration, progress: @escaping @Sendable (Double) async -> Void
    ) async throws {
        try await reportingProgress(duration: duration, every: interval, to: progress) { report, tools in
            try await Self.writeThroughPartialFile(output, with: tools, orElse: empty) { partial in
                ["-nostdin", "-v", "error", "-y", "-progress", "file:" + report, "-i", "file:" + input] + options + ["file:" + partial]
            }
        }
    }

    /// Runs `work`, which has ffmpeg write its `-progress` report to the file named, and meanwhile tells
    /// `progress` every `interval` the share done of media `duration` seconds long, where that is known.
    /// The tool's time limit bounds a stall rather than the run: `work` gets a runner without one, and is
    /// stopped with `ToolError.stalled` once the report has not moved on for that long (noticed within an
    /// `interval`), so that long media take as long as they need while ffmpeg makes headway.
    func reportingProgress<Result: Sendable>(
        duration: Double?, every interval: Duration, to progress: @escaping @Sendable (Double) async -> Void,
        _ work: @escaping @Sendable (_ report: String, _ tools: ToolRunner) async throws -> Result
    ) async throws -> Result {
        let report = FileManager.default.temporaryDirectory.appendingPathComponent("mediaflow-progress-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: report) }
        var unlimited = tools
        unlimited.timeout = nil
        return try await withThrowingTaskGroup(of: Result?.self) { [tools, unlimited] group in
            group.addTask { try await work(report, unlimited) }
            group.addTask {
                var watch = StallWatch(tool: "ffmpeg", limit: tools.timeout, since: .now)
                while true {
                    try await Task.sleep(for: interval)
                    let done = Self.mediaTimeDone(inProgressReport: report)
                    try watch.note(done, at: .now)
                    if let done, let duration, duration > 0 { await progress(min(max(done / duration, 0), 1)) }
                }
            }
            // The first to end is the work, or the watch when it finds the work stalled: the watch never ends otherwise.
            let result = try await group.next()
            group.cancelAll()
            return result!!
        }
    }

    /// How far into the media ffmpeg is, in seconds, by the last `out_time_us` of the report `-progress` writes;
    /// nil while there is none.
    static func mediaTimeDone(inProgressReport path: String) -> Double? {
        guard let file = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? file.close() }
        // Each update is a dozen short lines: the last few kilobytes hold the latest.
        let end = (try? file.seekToEnd()) ?? 0
        try? file.seek(toOffset: end > 4096 ? end - 4096 : 0)
        guard let data = try? file.readToEnd(), let text = String(data: data, encoding: .utf8) else { return nil }
        let line = text.split(whereSeparator: \.isNewline).last { $0.hasPrefix("out_time_us=") }
        return line.flatMap { Double($0.dropFirst("out_time_us=".count)) }.map { $0 / 1_000_000 }
    }

    /// Writes a JPEG of the frame `seconds` into the file at `input` to `output`, `width` pixels wide.
    /// - Throws: `MediaError.unreadable` when the media has no frame there, `ToolError` when ffmpeg fails.
    public func makeThumbnail(from input: String, to output: String, at seconds: Double, width: Int) async throws {
        try await Self.writeThroughPartialFile(
            output, with: tools, orElse: MediaError.unreadable("the media has no frame at \(String(format: "%g", seconds)) s")
        ) { partial in
            [
                "-nostdin", "-v", "error", "-y", "-ss", String(format: "%.3f", seconds), "-i", "file:" + input, "-map", "0:v:0",
                "-frames:v", "1", "-vf", "scale=\(Self.even(width)):-2", "-q:v", "3", "-f", "image2", "-c:v", "mjpeg",
                "file:" + partial,
            ]
        }
    }

    /// The duration of the file at `path`, in seconds, as ffprobe reads it from the container; nil when it
    /// has none.
    public func duration(of path: String) async throws -> Double? { try await probe(path).duration }

    /// What one ffprobe run reads of the file at `path`: enough to choose a recipe and to tell progress.
    func probe(_ path: String) async throws -> MediaProbe {
        let text = try await tools.run(
            "ffprobe", ["-v", "error", "-show_entries", "format=duration:stream=codec_type,channels", "-of", "json", "file:" + path])
        let report = try JSONParser.parse(text)
        let streams = report["streams"]?.arrayValue ?? []
        let audio = streams.filter { $0["codec_type"]?.stringValue == "audio" }
        return MediaProbe(
            duration: report["format"]?["duration"]?.stringValue.flatMap { Double($0) },
            kinds: Set(streams.compactMap { $0["codec_type"]?.stringValue }),
            audioChannels: audio.compactMap { stream in stream["channels"]?.numberValue.map { Int($0) } })
    }

    /// Measures the programme audio of the file at `input` as EBU R128 (ITU-R BS.1770) asks: its first audio stream,
    /// or where that and the second are mono, the two as a stereo pair, as broadcast masters carry one. Tells
    /// `progress` the share done every `interval` as `makeProxy` does.
    /// - Throws: `MediaError.unreadable` when the media has no audio, `ToolError` when ffmpeg fails.
    public func measureLoudness(
        of input: String, every interval: Duration = .seconds(1), progress: @escaping @Sendable (Double) async -> Void = { _ in }
    ) async throws -> Loudness {
        let probed = try await probe(input)
        let channels = probed.audioChannels
        guard let first = channels.first else { throw MediaError.unreadable("the media has no audio to measure") }
        // Measured alone, the left of a pair of mono streams would read 3 LU below the programme.
        let monoPair = first == 1 && channels.count > 1 && channels[1] == 1
        // The per-frame lines are logged at the verbose level, below what is printed: only the summary is.
        let measure = "ebur128=peak=true:framelog=40"
        let route = monoPair
            ? ["-filter_complex", "[0:a:0][0:a:1]join=inputs=2:channel_layout=stereo," + measure] : ["-map", "0:a:0", "-af", measure]
        let outcome = try await reportingProgress(duration: probed.duration, every: interval, to: progress) { report, tools in
            try await tools.execute(
                "ffmpeg", ["-nostdin", "-hide_banner", "-nostats", "-progress", "file:" + report, "-i", "file:" + input] + route + ["-f", "null", "-"])
        }
        guard outcome.exitCode == 0 else { throw ToolError.failed("ffmpeg", status: outcome.exitCode, message: outcome.lastErrorLine) }
        guard var loudness = Loudness(ebur128Summary: outcome.error) else {
            throw ToolError.failed("ffmpeg", status: 0, message: "its ebur128 summary could not be read")
        }
        loudness.streams = monoPair ? 2 : 1
        loudness.channels = monoPair ? 2 : first
        return loudness
    }

    /// Runs ffmpeg with `tools` to write `output` through a partial file beside it, renamed into place once whole,
    /// so that a file at `output` is never half written. - Throws: `empty` when ffmpeg succeeds but writes nothing.
    private static func writeThroughPartialFile(
        _ output: String, with tools: ToolRunner, orElse empty: MediaError, arguments: (String) -> [String]
    ) async throws {
        let partial = output + ".partial"
        defer { try? FileManager.default.removeItem(atPath: partial) }
        _ = try await tools.run("ffmpeg", arguments(partial))
        let size = (try? FileManager.default.attributesOfItem(atPath: partial)[.size] as? Int) ?? 0
        guard size > 0 else { throw empty }
        if FileManager.default.fileExists(atPath: output) { try FileManager.default.removeItem(atPath: output) }
        try FileManager.default.moveItem(atPath: partial, toPath: output)
    }

    /// H.264 in 4:2:0 wants even dimensions.
    private static func even(_ width: Int) -> Int { max(2, width - width % 2) }
}

/// What ffprobe reads of a media file (see `MediaTransforms.probe`).
struct MediaProbe: Sendable {
    /// The container's duration in seconds; nil when it has none.
    var duration: Double?
    /// The kinds of stream it holds: `video`, `audio`, `subtitle`, `data`.
    var kinds: Set<String>
    /// The channel count of each audio stream, in order.
    var audioChannels: [Int]
}

/// An EBU R128 loudness measurement. A value is nil where the audio is silent (ffmpeg reads `-inf`).
public struct Loudness: Codable, Sendable, Equatable {
    /// Integrated (programme) loudness, in LUFS.
    public var integratedLUFS: Double?
    /// Loudness range, in LU.
    public var loudnessRangeLU: Double?
    /// The highest true peak, in dBTP.
    public var truePeakDBTP: Double?
    /// How many audio streams were measured together: 2 for a pair of mono streams.
    public var streams: Int?
    /// How many channels were measured.
    public var channels: Int?

    public init(integratedLUFS: Double?, loudnessRangeLU: Double?, truePeakDBTP: Double?) {
        self.integratedLUFS = integratedLUFS
        self.loudnessRangeLU = loudnessRangeLU
        self.truePeakDBTP = truePeakDBTP
    }

    /// Reads the summary ffmpeg's `ebur128` filter logs at the end (`I: -23.0 LUFS`, `LRA: 5.1 LU`,
    /// `Peak: -1.2 dBFS`); nil when one of the three is missing. Run in a `-filter_complex` graph, ffmpeg logs a
    /// summary of nothing (−70 LUFS) before the real one: the last is read.
    public init?(ebur128Summary text: String) {
        guard let summary = text.range(of: "Summary:", options: .backwards).map({ text[$0.upperBound...] }) else { return nil }
        func reading(_ label: String) -> Double? {
            let line = summary.split(whereSeparator: \.isNewline).first { $0.trimmingCharacters(in: .whitespaces).hasPrefix(label) }
            return line?.split(separator: " ").dropFirst().first.flatMap { Double($0) }
        }
        guard let integrated = reading("I:"), let range = reading("LRA:"), let peak = reading("Peak:") else { return nil }
        func finite(_ value: Double) -> Double? { value.isFinite ? value : nil }
        self.init(integratedLUFS: finite(integrated), loudnessRangeLU: finite(range), truePeakDBTP: finite(peak))
    }
}
