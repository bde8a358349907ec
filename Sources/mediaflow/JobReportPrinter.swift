import Foundation
import MediaflowModel

/// Prints a finished job for a person: its status, the technical metadata or loudness when there is some, and the
/// files and values it produced.
enum JobReportPrinter {
    static func print(_ job: Job) {
        Swift.print("\(job.status.rawValue): \(job.statusMessage ?? "")")
        guard let output = job.jobOutput else { return }
        if let metadata = output["technicalMetadata"] {
            row("container", metadata["container"]?.stringValue)
            row("duration", metadata["durationSeconds"]?.numberValue.map { String(format: "%.3f s", $0) })
            for video in metadata["video"]?.arrayValue ?? [] {
                let size = "\(int(video["width"]))x\(int(video["height"]))"
                let rate = video["frameRate"]?.numberValue.map { String(format: "%g fps", $0) } ?? "? fps"
                row("video", "\(video["codec"]?.stringValue ?? "?") \(size) \(rate)")
            }
            for audio in metadata["audio"]?.arrayValue ?? [] {
                row("audio", "\(audio["codec"]?.stringValue ?? "?") \(int(audio["channels"])) ch \(int(audio["sampleRate"])) Hz")
            }
        }
        if let loudness = output["loudness"] {
            let readings = [("I", "integratedLUFS", "LUFS"), ("LRA", "loudnessRangeLU", "LU"), ("true peak", "truePeakDBTP", "dBTP")]
            row("loudness", readings.map { "\($0.0) \(loudness[$0.1]?.numberValue.map { String(format: "%.1f", $0) } ?? "-inf") \($0.2)" }
                .joined(separator: ", "))
        }
        // Every other member: a file by its locator, a value as it is written. The findings tell the segments.
        for (name, value) in output where !["technicalMetadata", "loudness", "blackSegments", "silentSegments"].contains(name) {
            switch value {
            case .object(let members): row(name == "ebucore" ? "EBUCore" : name, members["locator"]?.stringValue)
            case .array(let items): for item in items { row(name, item.stringValue ?? JSONWriter.text(item)) }
            default: row(name, value.stringValue ?? JSONWriter.text(value))
            }
        }
    }

    private static func row(_ name: String, _ value: String?) {
        guard let value else { return }
        Swift.print("  \(name.padding(toLength: 10, withPad: " ", startingAt: 0)) \(value)")
    }

    private static func int(_ value: JSONValue?) -> String { value?.numberValue.map { String(Int(saturating: $0)) } ?? "?" }
}

extension JobStatus {
    /// The status padded to the longest status name, for columns that line up.
    var column: String { rawValue.padding(toLength: Self.columnWidth, withPad: " ", startingAt: 0) }

    private static let columnWidth = allCases.map(\.rawValue.count).max() ?? 0
}
