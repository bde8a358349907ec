import Foundation

/// The `mediaflow` binary run as a child process, for tests that kill and restart a server or run
/// a service beside it. When `MEDIAFLOW_TEST_PID_DIR` names a folder (`.ci/run` sets it), each running
/// process has a file there named by its PID, so that what a test process that crashed left running can
/// be stopped.
public final class ServerProcess: @unchecked Sendable {
    private let process = Process()
    public let baseURL: String
    private static let pidFolder = ProcessInfo.processInfo.environment["MEDIAFLOW_TEST_PID_DIR"]

    /// Starts `mediaflow serve` with `arguments`, listening on `port`; its output goes to `log`.
    public convenience init(port: Int, arguments: [String], log: URL) throws {
        try self.init(
            command: ["serve", "--host", "127.0.0.1", "--port", String(port)] + arguments,
            baseURL: "http://127.0.0.1:\(port)", log: log)
    }

    /// Starts `mediaflow` with the command line `command`; its output goes to `log`.
    public init(command: [String], baseURL: String, log: URL) throws {
        self.baseURL = baseURL
        process.executableURL = try Self.binary()
        process.arguments = command
        if !FileManager.default.fileExists(atPath: log.path) {
            guard FileManager.default.createFile(atPath: log.path, contents: nil) else {
                throw FixtureError("Cannot create \(log.path)")
            }
        }
        let handle = try FileHandle(forWritingTo: log)
        handle.seekToEndOfFile()
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        if let pidFile { _ = FileManager.default.createFile(atPath: pidFile, contents: nil) }
    }

    private var pidFile: String? { Self.pidFolder.map { "\($0)/\(process.processIdentifier)" } }

    /// Waits for the process to end and forgets its PID.
    private func waitUntilGone() {
        process.waitUntilExit()
        if let pidFile { try? FileManager.default.removeItem(atPath: pidFile) }
    }

    /// The process id.
    public var pid: Int32 { process.processIdentifier }

    /// Kills the process with SIGKILL, as a crash would, and waits for it to be gone.
    public func crash() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        waitUntilGone()
    }

    /// Stops the process with SIGTERM and waits for it; true when it shut down and exited with status 0, rather
    /// than being ended by the signal or failing.
    @discardableResult
    public func stop() -> Bool {
        if process.isRunning {
            process.terminate()
            waitUntilGone()
        }
        return process.terminationReason == .exit && process.terminationStatus == 0
    }

    /// Runs `mediaflow` with `arguments` to its end and returns its exit status and output (standard output
    /// and standard error together), as a person at a terminal would see them.
    public static func command(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        let log = MediaFixtures.temporaryDirectory().appendingPathComponent("command.log")
        guard FileManager.default.createFile(atPath: log.path, contents: nil) else {
            throw FixtureError("Cannot create \(log.path)")
        }
        let handle = try FileHandle(forWritingTo: log)
        let process = Process()
        process.executableURL = try binary()
        process.arguments = arguments
        process.standardOutput = handle
        process.standardError = handle
        let status = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
        try handle.close()
        return (status, try String(contentsOf: log, encoding: .utf8))
    }

    /// The built `mediaflow` executable beside the test bundle.
    public static func binary() throws -> URL {
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent("mediaflow")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            folder.deleteLastPathComponent()
        }
        throw FixtureError("The mediaflow binary was not found near \(CommandLine.arguments[0]); run swift build first")
    }

    deinit { stop() }
}
