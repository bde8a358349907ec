import Synchronization

/// Runs operations on the same key one at a time, in the order they arrive; operations on different keys
/// run at once.
final class KeyedSerialQueue: Sendable {
    /// For each key with an operation running, the operations waiting for it.
    private let waiting = Mutex<[String: [CheckedContinuation<Void, Never>]]>([:])

    init() {}

    func run<T>(_ key: String, _ operation: () async throws -> T) async rethrows -> T {
        await withCheckedContinuation { continuation in
            let free = waiting.withLock { waiting -> Bool in
                guard waiting[key] != nil else {
                    waiting[key] = []
                    return true
                }
                waiting[key]!.append(continuation)
                return false
            }
            if free { continuation.resume() }
        }
        defer {
            waiting.withLock { waiting -> CheckedContinuation<Void, Never>? in
                guard let next = waiting[key]?.first else {
                    waiting[key] = nil
                    return nil
                }
                waiting[key]!.removeFirst()
                return next
            }?.resume()
        }
        return try await operation()
    }
}
