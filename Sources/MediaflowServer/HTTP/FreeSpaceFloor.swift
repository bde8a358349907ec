import Foundation
import Synchronization

/// The least free space the data directory's file system is to keep. Below it a node takes no more work —
/// `GET /health` answers 503 — while it can still finish what it holds: its database and the media its
/// services produce live there, and a store that runs out of room fails every write.
final class FreeSpaceFloor: Sendable {
    private let directory: String
    private let bytes: UInt64
    /// The last reading, kept for a second: a load balancer may ask many times a second.
    private let reading = Mutex<(at: ContinuousClock.Instant, shortage: String?)?>(nil)

    init(directory: String, megabytes: Double) {
        self.directory = directory
        self.bytes = UInt64(max(0, megabytes) * 1_048_576)
    }

    /// Why the node should take no more work for want of room, or nil (also when the space cannot be read).
    var shortage: String? {
        guard bytes > 0 else { return nil }
        let now = ContinuousClock.now
        if let last = reading.withLock({ $0 }), now - last.at < .seconds(1) { return last.shortage }
        let shortage = Self.freeBytes(directory).flatMap { free in
            free < bytes
                ? "Only \(free >> 20) MB free for the data directory \(directory), less than the \(bytes >> 20) MB kept free (min-free-mb)"
                : nil
        }
        reading.withLock { $0 = (now, shortage) }
        return shortage
    }

    /// The bytes an unprivileged process may still write in the data directory, or nil when they cannot be read.
    var freeBytes: UInt64? { Self.freeBytes(directory) }

    /// The bytes that an unprivileged process may still write on `directory`'s file system.
    private static func freeBytes(_ directory: String) -> UInt64? {
        var stats = statvfs()
        guard statvfs(directory, &stats) == 0 else { return nil }
        return UInt64(stats.f_bavail) * UInt64(stats.f_frsize)
    }
}
