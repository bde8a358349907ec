/// A file format `extractAudio` writes.
public enum AudioFormat: String, CaseIterable, Sendable {
    /// Broadcast WAV's PCM: 24-bit, at the source's sample rate, for editing and mixing.
    case wav
    /// Lossless and about half the size of WAV.
    case flac
    /// AAC at 256 kb/s in MP4, for listening.
    case m4a

    var codecArguments: [String] {
        switch self {
        case .wav: ["-c:a", "pcm_s24le", "-f", "wav"]
        case .flac: ["-c:a", "flac", "-f", "flac"]
        case .m4a: ["-c:a", "aac", "-b:a", "256k", "-movflags", "+faststart", "-f", "mp4"]
        }
    }

    /// What the file holds, in words.
    public var description: String {
        switch self {
        case .wav: "WAV (PCM, 24-bit)"
        case .flac: "FLAC"
        case .m4a: "MPEG-4 (AAC)"
        }
    }
}

extension MediaTransforms {
    /// Writes the first audio stream of the file at `input` to `output` in `format`, with all its channels, telling
    /// `progress` the share done every `interval` as `makeProxy` does.
    /// - Throws: `MediaError.unreadable` when the media has no audio, `ToolError` when ffmpeg fails.
    public func extractAudio(
        from input: String, to output: String, format: AudioFormat, every interval: Duration = .seconds(1),
        progress: @escaping @Sendable (Double) async -> Void = { _ in }
    ) async throws {
        let probed = try await probe(input)
        guard probed.kinds.contains("audio") else { throw MediaError.unreadable("the media has no audio to extract") }
        try await write(
            output, from: input, duration: probed.duration, orElse: MediaError.unreadable("ffmpeg wrote no audio"),
            options: ["-map", "0:a:0", "-vn"] + format.codecArguments, every: interval, progress: progress)
    }
}
