import MediaflowMedia
import MediaflowModel

/// `DetectBlackAndSilence`: the black stretches of the media's first video stream and the silent ones of its first
/// audio stream, each at least `jobInput.minBlackSeconds` / `minSilenceSeconds` long (2 unless given), black below
/// `blackPixelThreshold` (0.1) in `blackPictureRatio` (0.98) of a picture, silent below `silenceThresholdDB` (−60).
/// Every stretch is a finding of the completed job, not a failure of it.
struct BlackAndSilenceWorker: JobWorker {
    let tools: TransformTools

    static let inputs = ["minBlackSeconds", "blackPictureRatio", "blackPixelThreshold", "minSilenceSeconds", "silenceThresholdDB"]

    func run(_ job: Job, context: WorkContext) async throws -> JSONObject {
        var thresholds = BlackAndSilenceThresholds()
        thresholds.minBlackSeconds = try job.number("minBlackSeconds", in: 0.04...3600) ?? thresholds.minBlackSeconds
        thresholds.blackPictureRatio = try job.number("blackPictureRatio", in: 0...1) ?? thresholds.blackPictureRatio
        thresholds.blackPixelThreshold = try job.number("blackPixelThreshold", in: 0...1) ?? thresholds.blackPixelThreshold
        thresholds.minSilenceSeconds = try job.number("minSilenceSeconds", in: 0.01...3600) ?? thresholds.minSilenceSeconds
        thresholds.silenceThresholdDB = try job.number("silenceThresholdDB", in: -120...0) ?? thresholds.silenceThresholdDB
        return try await tools.resolver.withMedia(of: job, context: context) { media in
            await context.progress(20, "Looking for black and silence")
            let found = try await tools.transforms.detectBlackAndSilence(in: media.path, thresholds: thresholds) { done in
                await context.progress(20 + 75 * done, "Looking for black and silence")
            }
            let findings = Self.findings("Black", found.blackSegments) + Self.findings("Silence", found.silentSegments)
            var output = try JSONValueEncoder.encode(found).objectValue ?? [:]
            output["passed"] = .bool(findings.isEmpty)
            output["findings"] = .array(findings.map(JSONValue.string))
            return output
        }
    }

    /// `Black from 0 s to 2 s (2 s)`, a line for each segment.
    private static func findings(_ what: String, _ segments: [MediaSegment]?) -> [String] {
        func text(_ seconds: Double) -> String { JSONWriter.text(.number((seconds * 1000).rounded() / 1000)) }
        return (segments ?? []).map {
            "\(what) from \(text($0.startSeconds)) s to \(text($0.endSeconds)) s (\(text($0.durationSeconds)) s)"
        }
    }
}
