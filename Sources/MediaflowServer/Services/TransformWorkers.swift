import Foundation
import MediaflowMedia
import MediaflowModel

/// What the transform and QA workers work with: the input's resolver, ffmpeg, and where their files go.
struct TransformTools: Sendable {
    let resolver: LocatorResolver
    let transforms: MediaTransforms
    let storage: OutputStorage

    /// Has `make` write a file `name` of the job's media, from 20% to 95% of the job's progress with the message
    /// `doing`, and returns it as the output `key`, described as `format`.
    func makeFile(
        _ name: String, of job: Job, context: WorkContext, doing: String, as key: String, format: String,
        _ make: (_ input: String, _ output: String, _ progress: @escaping @Sendable (Double) async -> Void) async throws -> Void
    ) async throws -> JSONObject {
        try await resolver.withMedia(of: job, context: context) { media in
            let file = try storage.place(jobID: context.jobID, name: name)
            await context.progress(20, doing)
            try await make(media.path, file.path) { done in await context.progress(20 + 75 * done, doing) }
            return [key: file.resource(format: format)]
        }
    }
}

/// `CreateProxy`: an H.264/AAC MP4 to view the media by, `jobInput.width` pixels wide (640 unless given).
struct ProxyWorker: JobWorker {
    let tools: TransformTools

    func run(_ job: Job, context: WorkContext) async throws -> JSONObject {
        let width = try job.whole("width", default: 640, in: 16...7680)
        return try await tools.makeFile(
            "proxy.mp4", of: job, context: context, doing: "Making a proxy \(width) pixels wide", as: "proxy", format: "MPEG-4 (H.264, AAC)"
        ) { input, output, progress in
            try await tools.transforms.makeProxy(from: input, to: output, width: width, progress: progress)
        }
    }
}

/// `CreateThumbnail`: a JPEG of the frame `jobInput.atSeconds` into the media (a tenth of its duration unless
/// given), `jobInput.width` pixels wide (320 unless given).
struct ThumbnailWorker: JobWorker {
    let tools: TransformTools

    func run(_ job: Job, context: WorkContext) async throws -> JSONObject {
        let width = try job.whole("width", default: 320, in: 16...7680)
        let given = try job.number("atSeconds", in: 0...(24 * 3600))
        return try await tools.resolver.withMedia(of: job, context: context) { media in
            var seconds = given ?? 0
            if given == nil, let duration = try await tools.transforms.duration(of: media.path) { seconds = duration / 10 }
            let file = try tools.storage.place(jobID: context.jobID, name: "thumbnail.jpg")
            await context.progress(20, "Taking the frame at \(JSONWriter.text(.number(seconds))) s")
            try await tools.transforms.makeThumbnail(from: media.path, to: file.path, at: seconds, width: width)
            return ["thumbnail": file.resource(format: "JPEG"), "atSeconds": .number(seconds)]
        }
    }
}

/// `Transcode`: the media's first video and audio streams as `jobInput.preset` says (see `TranscodePreset`).
struct TranscodeWorker: JobWorker {
    let tools: TransformTools

    func run(_ job: Job, context: WorkContext) async throws -> JSONObject {
        let preset: TranscodePreset = try job.choice("preset")
        return try await tools.makeFile(
            "transcoded.\(preset.fileExtension)", of: job, context: context, doing: "Transcoding to \(preset.rawValue)", as: "transcoded",
            format: preset.description
        ) { input, output, progress in
            try await tools.transforms.transcode(from: input, to: output, preset: preset, progress: progress)
        }
    }
}

/// `ExtractAudio`: the media's first audio stream as a file of its own, in `jobInput.format` (`wav` unless given,
/// `flac` or `m4a`; see `AudioFormat`).
struct AudioWorker: JobWorker {
    let tools: TransformTools

    func run(_ job: Job, context: WorkContext) async throws -> JSONObject {
        let format: AudioFormat = try job.choice("format", default: .wav)
        return try await tools.makeFile(
            "audio.\(format.rawValue)", of: job, context: context, doing: "Extracting the audio as \(format.description)", as: "audio",
            format: format.description
        ) { input, output, progress in
            try await tools.transforms.extractAudio(from: input, to: output, format: format, progress: progress)
        }
    }
}

/// `MeasureLoudness`: the EBU R128 loudness of the media's programme audio (see `MediaTransforms.measureLoudness`),
/// and whether it meets the target:
/// `jobInput.targetLUFS` (−23 unless given) within `toleranceLU` (1), true peaks at most `maxTruePeakDBTP` (−1).
/// Missing the target is a finding of the completed job, not a failure of it.
struct LoudnessWorker: JobWorker {
    let tools: TransformTools

    /// A number as JSON writes it (`-23`, not `-23.0`).
    private func text(_ number: Double) -> String { JSONWriter.text(.number(number)) }

    func run(_ job: Job, context: WorkContext) async throws -> JSONObject {
        let target = try job.number("targetLUFS", in: -70...0) ?? -23
        let tolerance = try job.number("toleranceLU", in: 0...20) ?? 1
        let maxPeak = try job.number("maxTruePeakDBTP", in: -70...6) ?? -1
        return try await tools.resolver.withMedia(of: job, context: context) { media in
            await context.progress(20, "Measuring loudness (EBU R128)")
            let loudness = try await tools.transforms.measureLoudness(of: media.path) { done in
                await context.progress(20 + 75 * done, "Measuring loudness (EBU R128)")
            }
            var findings: [String] = []
            if let integrated = loudness.integratedLUFS {
                if abs(integrated - target) > tolerance {
                    findings.append("Integrated loudness \(text(integrated)) LUFS is outside \(text(target)) ± \(text(tolerance)) LU")
                }
            } else {
                findings.append("The audio is silent")
            }
            if let peak = loudness.truePeakDBTP, peak > maxPeak {
                findings.append("True peak \(text(peak)) dBTP is above \(text(maxPeak)) dBTP")
            }
            return [
                "loudness": try JSONValueEncoder.encode(loudness), "passed": .bool(findings.isEmpty),
                "findings": .array(findings.map(JSONValue.string)),
            ]
        }
    }
}

extension Job {
    /// The number `jobInput[name]`, nil when it is not given.
    /// - Throws: `JobInputError` when it lies outside `range`.
    func number(_ name: String, in range: ClosedRange<Double>) throws -> Double? {
        guard let value = jobInput?[name]?.numberValue else { return nil }
        guard range.contains(value) else { throw JobInputError(name: name, range: range) }
        return value
    }

    /// The choice `jobInput[name]` names, or `fallback` when it is not given.
    /// - Throws: `JobInputError` when it names none of them, or is not given and there is no fallback.
    func choice<Choice: RawRepresentable & CaseIterable>(_ name: String, default fallback: Choice? = nil) throws -> Choice
    where Choice.RawValue == String {
        let choice = jobInput?[name].map { $0.stringValue.flatMap(Choice.init(rawValue:)) } ?? fallback
        guard let choice else { throw JobInputError(name: name, oneOf: Choice.allCases.map(\.rawValue)) }
        return choice
    }

    /// The whole number `jobInput[name]`, rounded, or `fallback` when it is not given.
    func whole(_ name: String, default fallback: Int, in range: ClosedRange<Double>) throws -> Int {
        try number(name, in: range).map { Int($0.rounded()) } ?? fallback
    }
}

/// A job input its profile's work cannot take; the failed job's `statusMessage` says which and what it takes.
struct JobInputError: Error, CustomStringConvertible {
    let name: String
    /// What the input must be: `lie between 16 and 7680`.
    let requirement: String
    var description: String { "jobInput.\(name) must \(requirement)" }

    init(name: String, range: ClosedRange<Double>) {
        self.name = name
        requirement = "lie between \(JSONWriter.text(.number(range.lowerBound))) and \(JSONWriter.text(.number(range.upperBound)))"
    }

    init(name: String, oneOf choices: [String]) {
        self.name = name
        requirement = "be one of " + choices.joined(separator: ", ")
    }
}
