/// A recipe `transcode` follows: the codecs and container of a file for delivery or for editing.
public enum TranscodePreset: String, CaseIterable, Sendable {
    /// H.264 High (CRF 20) and AAC 192 kb/s in MP4, at most 1080 lines high: for delivery.
    case h264_1080p = "h264-1080p"
    /// H.264 High (CRF 22) and AAC 160 kb/s in MP4, at most 720 lines high: for the web.
    case h264_720p = "h264-720p"
    /// Apple ProRes 422 Proxy (10-bit 4:2:2) and 24-bit PCM in QuickTime, at the source's size: for editing.
    case proresProxy = "prores-proxy"
    /// Avid DNxHR LB (8-bit 4:2:2) and 24-bit PCM in QuickTime, at the source's size: for editing on Avid.
    case dnxhrLB = "dnxhr-lb"

    /// What the file holds, in words.
    public var description: String {
        switch self {
        case .h264_1080p, .h264_720p: "MPEG-4 (H.264, AAC)"
        case .proresProxy: "QuickTime (ProRes 422 Proxy, PCM)"
        case .dnxhrLB: "QuickTime (DNxHR LB, PCM)"
        }
    }

    /// The file name extension of its container.
    public var fileExtension: String {
        switch self {
        case .h264_1080p, .h264_720p: "mp4"
        case .proresProxy, .dnxhrLB: "mov"
        }
    }

    /// ffmpeg's output options. Sizes are kept even, as 4:2:0 and 4:2:2 want.
    var arguments: [String] {
        let sourceSize = ["-vf", "scale=trunc(iw/2)*2:trunc(ih/2)*2"]
        let pcm = ["-c:a", "pcm_s24le", "-f", "mov"]
        func h264(lines: Int, crf: Int, audioRate: String) -> [String] {
            [
                "-vf", "scale=-2:'min(\(lines),trunc(ih/2)*2)'", "-c:v", "libx264", "-preset", "medium", "-crf", String(crf),
                "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", audioRate, "-movflags", "+faststart", "-f", "mp4",
            ]
        }
        switch self {
        case .h264_1080p: return h264(lines: 1080, crf: 20, audioRate: "192k")
        case .h264_720p: return h264(lines: 720, crf: 22, audioRate: "160k")
        case .proresProxy: return sourceSize + ["-c:v", "prores_ks", "-profile:v", "0", "-pix_fmt", "yuv422p10le"] + pcm
        case .dnxhrLB: return sourceSize + ["-c:v", "dnxhd", "-profile:v", "dnxhr_lb", "-pix_fmt", "yuv422p"] + pcm
        }
    }
}

extension MediaTransforms {
    /// Writes the first video and audio streams of the file at `input` to `output` as `preset` says, telling
    /// `progress` the share done every `interval` as `makeProxy` does. Media with no video gives audio alone.
    /// - Throws: `MediaError.unreadable` when the media has neither video nor audio, `ToolError` when ffmpeg fails.
    public func transcode(
        from input: String, to output: String, preset: TranscodePreset, every interval: Duration = .seconds(1),
        progress: @escaping @Sendable (Double) async -> Void = { _ in }
    ) async throws {
        let probed = try await probe(input)
        guard probed.kinds.contains("video") || probed.kinds.contains("audio") else { throw MediaError.unreadable("the media has no video or audio to transcode") }
        try await write(
            output, from: input, duration: probed.duration, orElse: MediaError.unreadable("ffmpeg wrote nothing"),
            options: ["-map", "0:v:0?", "-map", "0:a:0?"] + preset.arguments, every: interval, progress: progress)
    }
}
