import MediaflowModel
import Synchronization

/// Calls sent over a connection and not answered yet, each resumed exactly once: by the answer, by a
/// timeout, or by the connection going away. Timeouts are swept every 50 ms by one task rather
/// than timed per call: thousands of sleeping timers per second slow the whole process down.
final class PendingCalls<Value: Sendable>: Sendable {
    private typealias Waiter = CheckedContinuation<Result<Value, BusFault>, Never>
    private struct State {
        var next: UInt64 = 0
        /// Deadlines of the calls still waiting, whether or not their waiter is parked yet.
        var inFlight: [String: (deadline: ContinuousClock.Instant, timeout: Duration)] = [:]
        var sweeping = false
        var waiters: [String: Waiter] = [:]
        /// Answers that came before their caller parked.
        var early: [String: Result<Value, BusFault>] = [:]
        var closed = false
    }
    private let state = Mutex(State())

    /// Sends a request under a fresh id through `send`, then waits for `resolve` with that id.
    func call(timeout: Duration, send: (String) async -> Void) async throws(BusFault) -> Value {
        let (id, startSweeper) = state.withLock { state in
            state.next += 1
            let id = "g\(state.next)"
            state.inFlight[id] = (.now + timeout, timeout)
            defer { state.sweeping = true }
            return (id, !state.sweeping)
        }
        if startSweeper { Task { [weak self] in await self?.sweep() } }
        defer { state.withLock { _ = $0.inFlight.removeValue(forKey: id) } }
        await send(id)
        return try await withCheckedContinuation { (waiter: Waiter) in
            let ready: Result<Value, BusFault>? = state.withLock { state in
                if let early = state.early.removeValue(forKey: id) { return early }
                if state.closed { return .failure(.disconnected()) }
                state.waiters[id] = waiter
                return nil
            }
            if let ready { waiter.resume(returning: ready) }
        }
        .get()
    }

    /// Completes the call `id`, if it is still waiting; later results for it are dropped.
    func resolve(_ id: String, with result: Result<Value, BusFault>) {
        let waiter: Waiter? = state.withLock { state in
            guard state.inFlight.removeValue(forKey: id) != nil else { return nil }
            if let waiter = state.waiters.removeValue(forKey: id) { return waiter }
            state.early[id] = result
            return nil
        }
        waiter?.resume(returning: result)
    }

    /// Fails every open call, and any later one, as disconnected.
    func closeAll() {
        let waiters = state.withLock { state in
            state.closed = true
            state.inFlight = [:]
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume(returning: .failure(.disconnected())) }
    }

    /// Fails the calls past their deadline, until the connection closes.
    private func sweep() async {
        while !state.withLock({ $0.closed }) {
            try? await Task.sleep(for: .milliseconds(50))
            let now = ContinuousClock.now
            let expired = state.withLock { state in state.inFlight.filter { $0.value.deadline <= now } }
            for (id, call) in expired { resolve(id, with: .failure(.timedOut(after: call.timeout))) }
        }
    }
}
