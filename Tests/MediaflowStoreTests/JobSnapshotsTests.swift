import MediaflowModel
import MediaflowStore
import Testing

@Suite struct JobSnapshotsTests {
    func snapshot(_ status: JobStatus, version: Int64) -> JobSnapshots.Snapshot {
        var job = makeJob()
        job.jobStatus = status
        return JobSnapshots.Snapshot(job: job, version: version, endpoint: nil)
    }

    @Test func aLaterVersionIsNotReplacedByAnEarlierOne() {
        let snapshots = JobSnapshots()
        snapshots.remember(snapshot(.running, version: 3), id: "a")
        snapshots.remember(snapshot(.queued, version: 2), id: "a")
        #expect(snapshots.snapshot(id: "a")?.job.status == .running)
        snapshots.remember(snapshot(.completed, version: 4), id: "a")
        #expect(snapshots.snapshot(id: "a")?.version == 4)
        snapshots.forget(id: "a")
        #expect(snapshots.snapshot(id: "a") == nil)
    }

    @Test func aDeletedJobIsNotRememberedAgain() {
        let snapshots = JobSnapshots()
        snapshots.remember(snapshot(.completed, version: 1), id: "a")
        snapshots.deleted(id: "a")
        snapshots.remember(snapshot(.completed, version: 1), id: "a")
        #expect(snapshots.snapshot(id: "a") == nil)
    }

    @Test func onlyTheLatestEntriesAreKept() {
        let snapshots = JobSnapshots(capacity: 4)
        for index in 0..<5 { snapshots.remember(snapshot(.new, version: 0), id: "\(index)") }
        #expect(snapshots.snapshot(id: "0") == nil)
        #expect(snapshots.snapshot(id: "1") == nil)
        #expect((2..<5).allSatisfy { snapshots.snapshot(id: "\($0)") != nil })
    }

    @Test func aForgottenGenerationIsFreed() {
        let snapshots = JobSnapshots(capacity: 4)
        weak var first: JobSnapshots.Snapshot?
        do {
            let made = snapshot(.new, version: 0)
            first = made
            snapshots.remember(made, id: "0")
        }
        for index in 1..<4 { snapshots.remember(snapshot(.new, version: 0), id: "\(index)") }
        #expect(first != nil)
        snapshots.remember(snapshot(.new, version: 0), id: "4")
        #expect(first == nil)
    }
}
