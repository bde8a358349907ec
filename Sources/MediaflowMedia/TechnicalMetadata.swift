import Foundation
import MediaflowModel

/// The normalized summary of a media file that an `ExtractTechnicalMetadata` job returns.
public struct TechnicalMetadata: Codable, Sendable, Equatable {
    public var container: String?
    public var durationSeconds: Double?
    public var fileSize: Int?
    public var overallBitRate: Int?
    public var video: [VideoTrack]
    public var audio: [AudioTrack]

    public struct VideoTrack: Codable, Sendable, Equatable {
        public var codec: String?
        public var profile: String?
        public var width: Int?
        public var height: Int?
        public var frameRate: Double?
        public var bitRate: Int?
        public var scanType: String?
        public var chromaSubsampling: String?
        public var bitDepth: Int?
    }

    public struct AudioTrack: Codable, Sendable, Equatable {
        public var codec: String?
        public var channels: Int?
        public var sampleRate: Int?
        public var bitRate: Int?
    }

    /// Reads MediaInfo's JSON report (`mediainfo --Output=JSON`).
    /// - Throws: `MediaError.notMedia` when MediaInfo found no audio, video or container format.
    public init(mediaInfoJSON report: JSONValue) throws {
        guard let tracks = report["media"]?["track"]?.arrayValue else { throw MediaError.notMedia }
        func tracksOf(_ kind: String) -> [JSONValue] { tracks.filter { $0["@type"]?.stringValue == kind } }
        let general = tracksOf("General").first
        container = general?["Format"]?.stringValue
        durationSeconds = general.flatMap { Self.double($0["Duration"]) }
        fileSize = general.flatMap { Self.int($0["FileSize"]) }
        overallBitRate = general.flatMap { Self.int($0["OverallBitRate"]) }
        video = tracksOf("Video").map { track in
            VideoTrack(
                codec: track["Format"]?.stringValue, profile: track["Format_Profile"]?.stringValue,
                width: Self.int(track["Width"]), height: Self.int(track["Height"]),
                frameRate: Self.double(track["FrameRate"]), bitRate: Self.int(track["BitRate"]),
                scanType: track["ScanType"]?.stringValue, chromaSubsampling: track["ChromaSubsampling"]?.stringValue,
                bitDepth: Self.int(track["BitDepth"]))
        }
        audio = tracksOf("Audio").map { track in
            AudioTrack(
                codec: track["Format"]?.stringValue, channels: Self.int(track["Channels"]),
                sampleRate: Self.int(track["SamplingRate"]), bitRate: Self.int(track["BitRate"]))
        }
        if container == nil && video.isEmpty && audio.isEmpty { throw MediaError.notMedia }
    }

    private static func double(_ value: JSONValue?) -> Double? {
        value?.stringValue.flatMap(Double.init) ?? value?.numberValue
    }

    private static func int(_ value: JSONValue?) -> Int? {
        double(value).map { Int(saturating: $0.rounded()) }
    }
}

/// Why a media operation could not produce its result; the message is shown as the job's `statusMessage`.
public enum MediaError: Error, Sendable, Equatable, CustomStringConvertible {
    case notMedia
    case unreadable(String)
    case unsupportedLocator(String)

    public var description: String {
        switch self {
        case .notMedia: "The input is not a media file MediaInfo can read"
        case .unreadable(let reason): "Cannot read the input: \(reason)"
        case .unsupportedLocator(let locator): "Unsupported locator '\(locator)': use file://, http:// or https://"
        }
    }
}
