import Foundation
import MediaflowModel

/// Extracts technical metadata with MediaInfo: the full EBUCore document and a normalized summary.
public struct MetadataExtractor: Sendable {
    let tools: ToolRunner

    public init(tools: ToolRunner = ToolRunner()) { self.tools = tools }

    /// The result of one extraction.
    public struct Result: Sendable {
        public var summary: TechnicalMetadata
        public var ebuCoreXML: String
    }

    /// Reads the file at `path`.
    /// - Throws: `MediaError.notMedia` for a file that is not media, `ToolError` when MediaInfo fails.
    public func extract(path: String) async throws -> Result {
        let json = try await tools.run("mediainfo", ["--Output=JSON", "--", path])
        let report = try ProtocolJSON.decode(JSONValue.self, from: Data(json.utf8))
        let summary = try TechnicalMetadata(mediaInfoJSON: report)
        let xml = try await tools.run("mediainfo", ["--Output=EBUCore", "--", path])
        return Result(summary: summary, ebuCoreXML: xml)
    }
}
