import Testing

@testable import MediaflowServer

/// Services that failed to take a job rest, for longer with each failure in a row, then take one job at a time.
@Suite struct ServiceRestsTests {
    let start = ContinuousClock.now

    @Test func aServiceThatNeverFailedHasAllItsRoom() {
        #expect(ServiceRests().room(8, load: 3, of: "ame", at: start) == 8)
    }

    @Test func restsDoubleWithEachFailureInARowUpToHalfAMinute() {
        var rests = ServiceRests()
        var restedFor: [Int] = []
        for _ in 0..<8 {
            rests.failed("ame", at: start)
            restedFor.append((1...60).first { rests.room(8, load: 0, of: "ame", at: start + .seconds($0)) > 0 } ?? 0)
        }
        #expect(restedFor == [1, 2, 4, 8, 16, 30, 30, 30])
        #expect(rests.room(8, load: 0, of: "noop", at: start) == 8)
    }

    @Test func afterARestOneJobAtATimeUntilOneIsTaken() {
        var rests = ServiceRests()
        rests.failed("ame", at: start)
        let later = start + .seconds(5)
        #expect(rests.room(8, load: 0, of: "ame", at: later) == 1)
        #expect(rests.room(8, load: 1, of: "ame", at: later) == 0)
        rests.succeeded("ame")
        #expect(rests.room(8, load: 1, of: "ame", at: later) == 8)
    }
}
