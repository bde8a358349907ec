import Foundation
import Subprocess

#if canImport(System)
    import System
#else
    import SystemPackage
#endif

/// Runs an external tool (ffmpeg, ffprobe, MediaInfo, a function's command) with bounded output
/// capture and a time limit. Cancelling the calling task, or running past the limit, terminates the
/// tool (SIGTERM, then SIGKILL).
public struct ToolRunner: Sendable {
    /// The most standard output kept, in bytes; more is an error, not a silent truncation.
    public var outputLimit: Int
    /// How long a run may take; nil for as long as it takes.
    public var timeout: Duration?

    public init(outputLimit: Int = 64 << 20, timeout: Duration? = .seconds(600)) {
        self.outputLimit = outputLimit
        self.timeout = timeout
    }

    /// Runs `tool` with `arguments` and returns its standard output.
    /// - Throws: `ToolError` when the tool is missing, fails, times out or prints too much.
    public func run(_ tool: String, _ arguments: [String]) async throws -> String {
        let result = try await execute(tool, arguments)
        guard result.exitCode == 0 else {
            throw ToolError.failed(tool, status: result.exitCode, message: result.lastErrorLine)
        }
        return result.output
    }

    /// Runs `tool` with `input` on its standard input and returns how it ended, whatever its status.
    /// - Throws: `ToolError` when the tool is missing, times out or prints too much.
    public func execute(
        _ tool: String, _ arguments: [String], input: String = "", workingDirectory: String? = nil
    ) async throws -> ToolOutcome {
        let limit = outputLimit
        let inputFile = try Self.file(holding: input)
        defer { try? inputFile.close() }
        return try await withThrowingTaskGroup(of: ToolOutcome.self) { group in
            group.addTask {
                var options = PlatformOptions()
                options.teardownSequence = [.gracefulShutDown(allowedDurationToNextStep: .seconds(2))]
                do {
                    let executable: Executable = tool.contains("/") ? .path(FilePath(tool)) : .name(tool)
                    let result = try await Subprocess.run(
                        executable, arguments: Arguments(arguments), workingDirectory: workingDirectory.map { FilePath($0) },
                        platformOptions: options, input: .fileDescriptor(inputFile, closeAfterSpawningProcess: false),
                        output: .string(limit: limit), error: .string(limit: 256 << 10))
                    return ToolOutcome(
                        status: result.terminationStatus, output: result.standardOutput,
                        error: result.standardError)
                } catch let error as SubprocessError {
                    if error.code == .executableNotFound { throw ToolError.notFound(tool) }
                    if error.code == .outputLimitExceeded { throw ToolError.outputTooLarge(tool, limit: limit) }
                    throw ToolError.failed(tool, status: -1, message: "\(error)")
                }
            }
            if let timeout {
                group.addTask {
                    try await Task.sleep(for: timeout)
                    throw ToolError.timedOut(tool, after: timeout)
                }
            }
            // The first to end decides; leaving the group cancels the other, which stops the tool.
            let outcome = try await group.next()!
            group.cancelAll()
            return outcome
        }
    }

    /// A file, already unlinked, holding `text` and open for reading from its start: what a tool reads as its
    /// standard input. Not a pipe: a tool that ends without reading all of a pipe makes the write into it fail
    /// (SIGPIPE, which ends the whole process, or EPIPE, on which swift-subprocess 1.0.2 traps).
    private static func file(holding text: String) throws -> FileDescriptor {
        let path = FilePath(FileManager.default.temporaryDirectory.appendingPathComponent("mediaflow-input-\(UUID())").path)
        let file = try FileDescriptor.open(path, .readWrite, options: [.create, .exclusiveCreate], permissions: .ownerReadWrite)
        do {
            _ = unlink(path.string)
            try file.writeAll(text.utf8)
            try file.seek(offset: 0, from: .start)
            return file
        } catch {
            try? file.close()
            throw error
        }
    }
}

/// How a tool's run ended: its status and what it printed.
public struct ToolOutcome: Sendable {
    public var status: TerminationStatus
    public var output: String
    public var error: String

    /// The exit status, or 128 + the signal that ended it.
    public var exitCode: Int32 {
        switch status {
        case .exited(let code): code
        case .signaled(let signal): 128 + signal
        }
    }

    public var lastErrorLine: String {
        error.split(whereSeparator: \.isNewline).last.map(String.init) ?? "no message"
    }
}

/// Why an external tool did not give a result.
public enum ToolError: Error, Sendable, Equatable, CustomStringConvertible {
    case notFound(String)
    case failed(String, status: Int32, message: String)
    case timedOut(String, after: Duration)
    /// A tool that reports its headway made none for this long.
    case stalled(String, after: Duration)
    case outputTooLarge(String, limit: Int)

    public var description: String {
        switch self {
        case .notFound(let tool): "\(tool) is not installed"
        case .failed(let tool, let status, let message): "\(tool) failed with status \(status): \(message)"
        case .timedOut(let tool, let after): "\(tool) did not finish within \(after)"
        case .stalled(let tool, let after): "\(tool) made no headway for \(after)"
        case .outputTooLarge(let tool, let limit): "\(tool) printed more than \(limit) bytes"
        }
    }
}
