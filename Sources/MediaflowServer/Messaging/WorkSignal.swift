import Synchronization

/// Wakes one waiting loop when new work may be there: a notification is never lost, and several
/// notifications before the loop looks collapse into one.
final class WorkSignal: Sendable {
    private struct State {
        var pending = false
        var waiter: CheckedContinuation<Void, Never>?
        /// When the waiter stops waiting.
        var deadline = ContinuousClock.now
        /// When the armed timer fires, if one is. A busy loop waits thousands of times a second and is
        /// notified almost every time: the timer is armed once and, firing, waits on for the waiter of the
        /// moment, rather than a timer being set and cancelled for every wait.
        var timer: ContinuousClock.Instant?
    }
    private let state = Mutex(State())

    init() {}

    /// Tells the waiting loop to look for work.
    func notify() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter else {
                state.pending = true
                return nil
            }
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    /// Returns at the next notification (at once if one came since the last wait), after `timeout`,
    /// or when the task is cancelled.
    func wait(timeout: Duration) async {
        let ready = state.withLock { state -> Bool in
            guard state.pending else { return false }
            state.pending = false
            return true
        }
        if ready { return }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let (resumeNow, arm) = state.withLock { state -> (Bool, ContinuousClock.Instant?) in
                    if state.pending || Task.isCancelled {
                        state.pending = false
                        return (true, nil)
                    }
                    state.waiter = continuation
                    state.deadline = .now + timeout
                    if let timer = state.timer, timer <= state.deadline { return (false, nil) }
                    state.timer = state.deadline
                    return (false, state.deadline)
                }
                if resumeNow { continuation.resume() }
                if let arm { armTimer(until: arm) }
            }
        } onCancel: {
            state.withLock { state in
                let waiter = state.waiter
                state.waiter = nil
                return waiter
            }?.resume()
        }
    }

    /// Wakes the waiter whose deadline has passed at `moment`, or arms itself again for a later one.
    private func armTimer(until moment: ContinuousClock.Instant) {
        Task {
            try? await Task.sleep(until: moment)
            let (expired, again) = state.withLock { state -> (CheckedContinuation<Void, Never>?, ContinuousClock.Instant?) in
                guard state.timer == moment else { return (nil, nil) }  // an earlier deadline armed another
                state.timer = nil
                guard let waiter = state.waiter else { return (nil, nil) }
                if state.deadline <= .now {
                    state.waiter = nil
                    return (waiter, nil)
                }
                state.timer = state.deadline
                return (nil, state.deadline)
            }
            expired?.resume()
            if let again { armTimer(until: again) }
        }
    }
}
