import Testing

@testable import MediaflowServer

/// The dispatcher's count of jobs in flight per service, kept as jobs come and go.
@Suite struct InFlightJobsTests {
    @Test func theLoadFollowsJobsAddedAndRemoved() {
        var jobs = InFlightJobs()
        jobs.add("job-1", on: "ame")
        jobs.add("job-2", on: "ame")
        jobs.add("job-3", on: "noop")
        #expect(jobs.load == ["ame": 2, "noop": 1])
        let removed = [jobs.remove("job-1"), jobs.remove("job-3")]
        #expect(removed == [true, true])
        #expect(jobs.load == ["ame": 1])
    }

    @Test func aJobUnknownOrRemovedTwiceChangesNothing() {
        var jobs = InFlightJobs()
        jobs.add("job-1", on: "ame")
        let removed = [jobs.remove("job-1"), jobs.remove("job-1"), jobs.remove("job-9")]
        #expect(removed == [true, false, false])
        #expect(jobs.load.isEmpty)
    }

    @Test func aJobHandedOutAgainCountsOnlyWithItsNewService() {
        var jobs = InFlightJobs()
        jobs.add("job-1", on: "ame")
        jobs.add("job-1", on: "noop")
        #expect(jobs.load == ["noop": 1])
    }
}
