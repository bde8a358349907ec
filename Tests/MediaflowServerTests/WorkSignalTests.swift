import Testing

@testable import MediaflowServer

/// The signal the dispatcher, the outbox and the workflow runner wait on between rounds.
@Suite struct WorkSignalTests {
    @Test func aNotificationBeforeTheWaitEndsItAtOnce() async {
        let signal = WorkSignal()
        signal.notify()
        signal.notify()
        let started = ContinuousClock.now
        await signal.wait(timeout: .seconds(30))
        #expect(ContinuousClock.now - started < .seconds(1))
    }

    @Test func aWaitEndsAtItsTimeoutEvenAfterALongerOne() async {
        let signal = WorkSignal()
        let waiting = Task { await signal.wait(timeout: .seconds(60)) }
        try? await Task.sleep(for: .milliseconds(50))
        signal.notify()
        await waiting.value
        // The timer armed for the first wait fires in a minute; this one must not wait for it.
        let started = ContinuousClock.now
        await signal.wait(timeout: .milliseconds(200))
        let waited = ContinuousClock.now - started
        #expect(waited >= .milliseconds(190))
        #expect(waited < .seconds(2))
    }

    @Test func aWaitOutlivingAnEarlierTimerStillEndsAtItsOwnTimeout() async {
        let signal = WorkSignal()
        let first = Task { await signal.wait(timeout: .milliseconds(100)) }
        try? await Task.sleep(for: .milliseconds(20))
        signal.notify()
        await first.value
        // The timer armed at 100 ms finds this wait unexpired and waits on for it.
        let started = ContinuousClock.now
        await signal.wait(timeout: .milliseconds(400))
        let waited = ContinuousClock.now - started
        #expect(waited >= .milliseconds(390))
        #expect(waited < .seconds(2))
    }

    @Test func cancellingTheWaiterEndsTheWait() async {
        let signal = WorkSignal()
        let started = ContinuousClock.now
        let waiting = Task { await signal.wait(timeout: .seconds(60)) }
        try? await Task.sleep(for: .milliseconds(50))
        waiting.cancel()
        await waiting.value
        #expect(ContinuousClock.now - started < .seconds(2))
    }
}
