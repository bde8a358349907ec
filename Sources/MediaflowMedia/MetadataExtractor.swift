import Foundation
import MediaflowModel

/// Extracts technical metadata: MediaInfo's full EBUCore document, ffprobe's view of the format and
/// streams, and a normalized summary.
public struct MetadataExtractor: Sendable {
    let tools: ToolRunner

    public init(tools: ToolRunner = ToolRunner()) { self.tools = tools }

    /// The result of one extraction.
    public struct Result: Sendable {
        public var summary: TechnicalMetadata
        public var ebuCoreXML: String
        /// ffprobe's JSON report (`-show_format -show_streams`).
        public var ffprobeJSON: String
    }

    /// Reads the file at `path`.
    /// - Throws: `MediaError.notMedia` for a file that is not media, `ToolError` when a tool fails.
    public func extract(path: String) async throws -> Result {
        let json = try await tools.run("mediainfo", ["--Output=JSON", "--", path])
        let report = try ProtocolJSON.decode(JSONValue.self, from: Data(json.utf8))
        let summary = try TechnicalMetadata(mediaInfoJSON: report)
        async let xml = tools.run("mediainfo", ["--Output=EBUCore", "--", path])
        async let probe = tools.run(
            "ffprobe", ["-v", "error", "-show_format", "-show_streams", "-print_format", "json", "file:" + path])
        return Result(summary: summary, ebuCoreXML: try await xml, ffprobeJSON: try await probe)
    }
}
