import Foundation
import MediaflowModel

/// The `mediaflow` binary run as a child process, for tests that kill and restart a server or run
/// a service beside it. When `MEDIAFLOW_TEST_PID_DIR` names a folder (`.ci/run` sets it), each running
/// process has a file there named by its PID, so that what a test process that crashed left running can
/// be stopped. Its end is awaited, never waited for on a thread: a cooperative thread blocked while a server
/// shut down stalled every other test of the process meanwhile (and, on two cores, timed some out).
public final class ServerProcess: @unchecked Sendable {
    private let process = Process()
    public let baseURL: String
    private static let pidFolder = ProcessInfo.processInfo.environment["MEDIAFLOW_TEST_PID_DIR"]
    private let end = OneTimeEvent()

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
        process.terminationHandler = { [end] ended in
            if let pidFile = Self.pidFile(of: ended.processIdentifier) { try? FileManager.default.removeItem(atPath: pidFile) }
            end.happen()
        }
        try process.run()
        if let pidFile = Self.pidFile(of: process.processIdentifier), process.isRunning {
            _ = FileManager.default.createFile(atPath: pidFile, contents: nil)
        }
    }

    private static func pidFile(of pid: Int32) -> String? { pidFolder.map { "\($0)/\(pid)" } }

    /// The process id.
    public var pid: Int32 { process.processIdentifier }

    /// Kills the process with SIGKILL, as a crash would, and returns once it is gone.
    public func crash() async {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        await end.awaited()
    }

    /// Stops the process with SIGTERM and returns once it has ended: true when it shut down and exited with
    /// status 0, rather than being ended by the signal or failing.
    @discardableResult
    public func stop() async -> Bool {
        if process.isRunning { process.terminate() }
        await end.awaited()
        return process.terminationReason == .exit && process.terminationStatus == 0
    }

    /// Sends `signal` (by default SIGTERM, a graceful stop) and returns at once, for a `defer` that cannot await
    /// (`stoppedAfter` waits): the process ends on its own (and `.ci/run` stops one still listed when the tests end).
    public func terminate(by signal: Int32 = SIGTERM) {
        if process.isRunning { kill(process.processIdentifier, signal) }
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

    deinit { terminate() }
}

/// Runs `body` while `processes` run, then stops them (SIGTERM) and returns once they have ended, whether `body`
/// returns or throws: a server still shutting down does not slow the tests after its own.
public func stoppedAfter<T>(_ processes: [ServerProcess], _ body: () async throws -> T) async rethrows -> T {
    do {
        let result = try await body()
        await stop(processes)
        return result
    } catch {
        await stop(processes)
        throw error
    }
}

/// Stops `processes` side by side and returns once all have ended.
private func stop(_ processes: [ServerProcess]) async {
    await withDiscardingTaskGroup { group in
        for process in processes { group.addTask { await process.stop() } }
    }
}
