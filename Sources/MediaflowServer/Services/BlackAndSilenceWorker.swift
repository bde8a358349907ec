import MediaflowMedia
import MediaflowModel

/// `DetectBlackAndSilence`: the black stretches of the media's first video stream and the silent ones of its first
/// audio stream, each at least `jobInput.minBlackSeconds` / `minSilenceSeconds` long (2 unless given), black below
/// `blackPixelThreshold` (0.1) in `blackPictureRatio` (0.98) of a picture, silent below `silenceThresholdDB` (−60).
/// Every stretch is a finding of the completed job, not a failure of it.
struct BlackAndSilenceWorker: JobWorker {
    let tools: TransformTools

    typealias Threshold = any WritableKeyPath<BlackAndSilenceThresholds, Double> & Sendable

    /// The thresholds a job may set: the input's name, the values allowed, and the threshold it sets.
    static let settings: [(input: String, range: ClosedRange<Double>, threshold: Threshold)] = [
        ("minBlackSeconds", 0.04...3600, \.minBlackSeconds), ("blackPictureRatio", 0...1, \.blackPictureRatio),
        ("blackPixelThreshold", 0...1, \.blackPixelThreshold), ("minSilenceSeconds", 0.01...3600, \.minSilenceSeconds),
        ("silenceThresholdDB", -120...0, \.silenceThresholdDB),
    ]

    func run(_ job: Job, context: WorkContext) async throws -> JSONObject {
        var thresholds = BlackAndSilenceThresholds()
        for (input, range, threshold) in Self.settings {
            if let value = try job.number(input, in: range) { thresholds[keyPath: threshold] = value }
        }
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
