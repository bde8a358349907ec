import Foundation

/// What `detectBlackAndSilence` looks for: how dark a picture and how quiet a sound count as black and silent,
/// and for how long before they are reported.
public struct BlackAndSilenceThresholds: Sendable, Equatable {
    /// Shortest black stretch reported, in seconds.
    public var minBlackSeconds = 2.0
    /// Share of a picture's pixels that must be black for it to be black (ffmpeg's `pic_th`).
    public var blackPictureRatio = 0.98
    /// Luminance below which a pixel is black, as a share of the range (ffmpeg's `pix_th`).
    public var blackPixelThreshold = 0.10
    /// Shortest silent stretch reported, in seconds.
    public var minSilenceSeconds = 2.0
    /// Level below which audio is silent, in dBFS.
    public var silenceThresholdDB = -60.0

    public init() {}
}

/// A stretch of the media, in seconds from its start.
public struct MediaSegment: Codable, Sendable, Equatable {
    public var startSeconds: Double
    public var endSeconds: Double
    public var durationSeconds: Double

    public init(startSeconds: Double, endSeconds: Double, durationSeconds: Double) {
        self.startSeconds = startSeconds
        self.endSeconds = endSeconds
        self.durationSeconds = durationSeconds
    }
}

/// The black and silent stretches of a media file; nil where it has no video, or no audio, to look at.
public struct BlackAndSilence: Codable, Sendable, Equatable {
    public var blackSegments: [MediaSegment]?
    public var silentSegments: [MediaSegment]?

    public init(blackSegments: [MediaSegment]?, silentSegments: [MediaSegment]?) {
        self.blackSegments = blackSegments
        self.silentSegments = silentSegments
    }

    /// Reads the stretches ffmpeg's `blackdetect` and `silencedetect` filters log
    /// (`black_start:0 black_end:2 black_duration:2`; `silence_start: 3` then `silence_end: 7.5 | silence_duration: 4.5`).
    init(ffmpegLog log: String, video: Bool, audio: Bool) {
        var black: [MediaSegment] = []
        var silent: [MediaSegment] = []
        var silenceStart: Double?
        for line in log.split(whereSeparator: \.isNewline) {
            let fields = Self.fields(of: line)
            if let start = fields["black_start"], let end = fields["black_end"], let duration = fields["black_duration"] {
                black.append(MediaSegment(startSeconds: start, endSeconds: end, durationSeconds: duration))
            } else if let start = fields["silence_start"] {
                silenceStart = start
            } else if let end = fields["silence_end"], let duration = fields["silence_duration"] {
                silent.append(MediaSegment(startSeconds: silenceStart ?? max(end - duration, 0), endSeconds: end, durationSeconds: duration))
                silenceStart = nil
            }
        }
        self.init(blackSegments: video ? black : nil, silentSegments: audio ? silent : nil)
    }

    /// The `name:value` and `name: value` numbers of a filter's log line.
    private static func fields(of line: Substring) -> [String: Double] {
        guard line.contains("[blackdetect @") || line.contains("[silencedetect @") else { return [:] }
        var fields: [String: Double] = [:]
        let words = line.split(whereSeparator: { $0 == " " || $0 == "|" })
        for (index, word) in words.enumerated() {
            guard let colon = word.firstIndex(of: ":") else { continue }
            let name = String(word[..<colon])
            let rest = word[word.index(after: colon)...]
            let value = rest.isEmpty ? (index + 1 < words.count ? Double(words[index + 1]) : nil) : Double(rest)
            if let value { fields[name] = value }
        }
        return fields
    }
}

extension MediaTransforms {
    /// Finds the black stretches of the first video stream of the file at `input` and the silent ones of its first
    /// audio stream, as `thresholds` define them, telling `progress` the share done every `interval` as
    /// `makeProxy` does.
    /// - Throws: `MediaError.unreadable` when the media has neither video nor audio, `ToolError` when ffmpeg fails.
    public func detectBlackAndSilence(
        in input: String, thresholds: BlackAndSilenceThresholds = BlackAndSilenceThresholds(),
        every interval: Duration = .seconds(1), progress: @escaping @Sendable (Double) async -> Void = { _ in }
    ) async throws -> BlackAndSilence {
        let probed = try await probe(input)
        let video = probed.kinds.contains("video")
        let audio = probed.kinds.contains("audio")
        guard video || audio else { throw MediaError.unreadable("the media has no video or audio to check") }
        let t = thresholds
        let outcome = try await reportingProgress(duration: probed.duration, every: interval, to: progress) { report, tools in
            try await tools.execute(
                "ffmpeg",
                [
                    "-nostdin", "-hide_banner", "-nostats", "-progress", "file:" + report, "-i", "file:" + input,
                    "-map", "0:v:0?", "-map", "0:a:0?",
                    "-vf", "blackdetect=d=\(t.minBlackSeconds):pic_th=\(t.blackPictureRatio):pix_th=\(t.blackPixelThreshold)",
                    "-af", "silencedetect=n=\(t.silenceThresholdDB)dB:d=\(t.minSilenceSeconds)", "-f", "null", "-",
                ])
        }
        guard outcome.exitCode == 0 else { throw ToolError.failed("ffmpeg", status: outcome.exitCode, message: outcome.lastErrorLine) }
        return BlackAndSilence(ffmpegLog: outcome.error, video: video, audio: audio)
    }
}
