import Synchronization

/// Something that happens once — a store's pool starting, a child process ending — which any number of
/// tasks await.
public final class OneTimeEvent: Sendable {
    private let state = Mutex<(happened: Bool, waiting: [CheckedContinuation<Void, Never>])>((false, []))

    public init() {}

    /// Whether the event has happened.
    public var hasHappened: Bool { state.withLock { $0.happened } }

    /// Returns once the event has happened: at once if it has.
    public func awaited() async {
        await withCheckedContinuation { continuation in
            let happened = state.withLock { state in
                if !state.happened { state.waiting.append(continuation) }
                return state.happened
            }
            if happened { continuation.resume() }
        }
    }

    /// The event happens: every task awaiting it goes on. Happening again changes nothing.
    public func happen() {
        let waiting = state.withLock { state in
            state.happened = true
            defer { state.waiting = [] }
            return state.waiting
        }
        for continuation in waiting { continuation.resume() }
    }
}
