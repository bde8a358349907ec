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
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    /// The timer armed for a first, notified wait fires before the second wait's timeout (it waits on for
    /// it) or long after it (the second wait arms its own). Broken, the second wait takes 60 s or never ends; the
    /// bound leaves room for a loaded machine's late timers.
    @Test(arguments: [(Duration.seconds(60), Duration.milliseconds(200)), (.milliseconds(100), .milliseconds(400))])
    func aWaitEndsAtItsOwnTimeoutWhateverTheTimerOfTheOneBefore(first: Duration, second: Duration) async {
        let signal = WorkSignal()
        let waiting = Task { await signal.wait(timeout: first) }
        try? await Task.sleep(for: .milliseconds(20))
        signal.notify()
        await waiting.value
        let started = ContinuousClock.now
        await signal.wait(timeout: second)
        let waited = ContinuousClock.now - started
        #expect(waited >= second - .milliseconds(10))
        #expect(waited < second + .seconds(10))
    }

    @Test func cancellingTheWaiterEndsTheWait() async {
        let signal = WorkSignal()
        let started = ContinuousClock.now
        let waiting = Task { await signal.wait(timeout: .seconds(60)) }
        try? await Task.sleep(for: .milliseconds(50))
        waiting.cancel()
        await waiting.value
        #expect(ContinuousClock.now - started < .seconds(10))
    }
}
