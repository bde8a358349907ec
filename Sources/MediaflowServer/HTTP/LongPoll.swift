import ServiceLifecycle

/// A request that waits for something to happen before it answers (a long poll). Hummingbird lets the
/// requests in progress finish before a graceful shutdown ends, so the wait also ends as soon as the server
/// begins to shut down: a waiting request held the shutdown until it was cancelled, 30 s later.
enum LongPoll {
    /// Calls `check` until it gives a value, for at most `timeout`, pausing `interval` between calls; with
    /// `slowest`, each pause is twice the last, up to that, so that what changes seldom is seldom looked at.
    /// - Returns: the value, or nil when the time ran out or the server began to shut down first.
    static func wait<T>(
        timeout: Duration, interval: Duration, slowingTo slowest: Duration? = nil, _ check: () async throws -> T?
    ) async throws -> T? {
        let deadline = ContinuousClock.now + timeout
        var pause = interval
        while true {
            if let value = try await check() { return value }
            let now = ContinuousClock.now
            guard now < deadline, !Task.isShuttingDownGracefully else { return nil }
            try await Task.sleep(for: min(pause, deadline - now))
            pause = min(pause * 2, slowest ?? interval)
        }
    }
}
