import Foundation
import Subprocess

/// Real media for tests, made with ffmpeg: a test pattern with a tone.
public enum MediaFixtures {
    /// Writes an H.264/AAC MP4 clip of `seconds` seconds, `width`x`height` at 25 fps with 48 kHz stereo
    /// audio (a 1 kHz tone, about −21 LUFS) unless `audio` is false, into `directory`, and returns its URL.
    public static func clip(
        in directory: URL, name: String = "clip.mp4", seconds: Int = 2, width: Int = 320, height: Int = 240, audio: Bool = true
    ) async throws -> URL {
        let tone = ["-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=48000:duration=\(seconds)", "-ac", "2", "-c:a", "aac"]
        return try await ffmpeg(
            ["-f", "lavfi", "-i", "testsrc=size=\(width)x\(height):rate=25:duration=\(seconds)"] + (audio ? tone : [])
                + ["-c:v", "libx264", "-pix_fmt", "yuv420p", "-shortest"],
            writing: name, in: directory)
    }

    /// Writes a 7.5 s H.264/AAC MP4 clip into `directory` and returns its URL: black for its first 2 s and its last 2.5,
    /// a test pattern between; a 1 kHz tone for its first 3 s, silence after.
    public static func blackAndSilentClip(in directory: URL) async throws -> URL {
        let sources = [
            "color=black:s=320x240:r=25:d=2", "testsrc=s=320x240:r=25:d=3", "color=black:s=320x240:r=25:d=2.5",
            "sine=f=1000:sample_rate=48000:d=3", "anullsrc=r=48000:cl=mono:d=4.5",
        ]
        return try await ffmpeg(
            sources.flatMap { ["-f", "lavfi", "-i", $0] } + [
                "-filter_complex", "[0:v][1:v][2:v]concat=n=3:v=1:a=0[v];[3:a][4:a]concat=n=2:v=0:a=1[a]",
                "-map", "[v]", "-map", "[a]", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-t", "7.5",
            ],
            writing: "black-and-silent.mp4", in: directory)
    }

    /// Runs ffmpeg with `arguments` to write the file `name` into `directory`, made if need be; returns its URL.
    private static func ffmpeg(_ arguments: [String], writing name: String, in directory: URL) async throws -> URL {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent(name)
        let result = try await run(
            .name("ffmpeg"), arguments: Arguments(["-nostdin", "-loglevel", "error", "-y"] + arguments + [file.path]),
            output: .discarded, error: .string(limit: 64 << 10))
        guard result.terminationStatus.isSuccess else { throw FixtureError("ffmpeg failed: \(result.standardError)") }
        return file
    }

    /// Writes a text file that is not media.
    public static func textFile(in directory: URL) throws -> URL {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent("notes.txt")
        try Data("These are not the frames you are looking for.\n".utf8).write(to: file)
        return file
    }

    /// A fresh temporary folder, inside this process's scratch folder.
    public static func temporaryDirectory() -> URL {
        let url = scratchFolder.appendingPathComponent(UUID().uuidString)
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// The folder that holds every temporary folder this process makes; it is removed when the process
/// exits, so test runs do not leave their media and databases behind.
private let scratchFolder: URL = {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mediaflow-test-\(UUID().uuidString)")
    atexit { try? FileManager.default.removeItem(at: scratchFolder) }
    return folder
}()

/// A fixture that could not be made.
public struct FixtureError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
