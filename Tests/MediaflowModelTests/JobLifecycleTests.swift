import Foundation
import MediaflowModel
import Testing

@Suite struct JobLifecycleTests {
    let now = Date(timeIntervalSince1970: 1_490_879_500.078)
    let endpoint = AsyncEndpoint(success: "http://caller/success", failure: "http://caller/failure")

    func newJob() -> Job {
        var job = Job(type: .ameJob, profile: "ExtractTechnicalMetadata", relatedResource: RelatedResource(locator: "file:///a.mp4"))
        job.id = "http://repo/Job/50f8a0cb-d722-43a9-bef9-2f4c0ebb3e14"
        job.jobStatus = .new
        return job
    }

    func queued() throws -> Job {
        try JobLifecycle.apply(.queued(startJob: "http://repo/StartJob/1", priority: .high), to: newJob(), endpoint: nil, now: now).job
    }

    @Test func startQueuesANewJobAndLinksTheStartJob() throws {
        let job = try queued()
        #expect(job.status == .queued)
        #expect(job.startJob == "http://repo/StartJob/1")
        #expect(job.priority == .high)
        #expect(job.dateModified == now)
    }

    @Test func aJobCannotBeStartedTwice() throws {
        #expect(throws: JobLifecycleError.self) {
            try JobLifecycle.apply(.queued(startJob: "x", priority: .low), to: try queued(), endpoint: nil, now: now)
        }
    }

    @Test func progressMovesTheJobToRunningAndCompletionNotifiesSuccess() throws {
        let running = try JobLifecycle.apply(
            .reported(.update(job: "j", processJob: "p", progress: 40, message: "working")), to: try queued(),
            endpoint: endpoint, now: now)
        #expect(running.job.status == .running)
        #expect(running.job.progress == 40)
        #expect(running.notify == nil)
        let done = try JobLifecycle.apply(
            .reported(.stop(job: "j", processJob: "p", status: .completed, output: ["a": 1])), to: running.job,
            endpoint: endpoint, now: now)
        #expect(done.job.status == .completed)
        #expect(done.job.jobOutput == ["a": 1])
        #expect(done.notify == "http://caller/success")
        #expect(done.leavesQueue)
    }

    @Test func failureNotifiesTheFailureEndpoint() throws {
        let failed = try JobLifecycle.apply(
            .reported(.stop(job: "j", processJob: nil, status: .failed, message: "broken")), to: try queued(),
            endpoint: endpoint, now: now)
        #expect(failed.job.status == .failed)
        #expect(failed.job.statusMessage == "broken")
        #expect(failed.notify == "http://caller/failure")
    }

    @Test func aRepeatedStopJobChangesNothing() throws {
        let stop = JobEvent.reported(.stop(job: "j", processJob: "p", status: .completed))
        let done = try JobLifecycle.apply(stop, to: try queued(), endpoint: endpoint, now: now)
        let again = try JobLifecycle.apply(stop, to: done.job, endpoint: endpoint, now: now)
        #expect(!again.changed)
        #expect(again.notify == nil)
    }

    @Test func reportsFromAnEarlierDispatchAreIgnored() throws {
        let scheduled = try JobLifecycle.apply(.scheduled(processJob: "p2"), to: try queued(), endpoint: nil, now: now)
        let stale = try JobLifecycle.apply(
            .reported(.stop(job: "j", processJob: "p1", status: .failed)), to: scheduled.job, endpoint: endpoint, now: now)
        #expect(!stale.changed)
        #expect(stale.job.status == .scheduled)
    }

    @Test func cancelOfARunningJobForwardsToItsService() throws {
        let scheduled = try JobLifecycle.apply(.scheduled(processJob: "http://svc/ProcessJob/1"), to: try queued(), endpoint: nil, now: now)
        let canceled = try JobLifecycle.apply(.cancelRequested, to: scheduled.job, endpoint: endpoint, now: now)
        #expect(canceled.job.status == .canceled)
        #expect(canceled.cancelProcessJob == "http://svc/ProcessJob/1")
        #expect(canceled.notify == "http://caller/failure")
        #expect(throws: JobLifecycleError.self) {
            try JobLifecycle.apply(.cancelRequested, to: canceled.job, endpoint: endpoint, now: now)
        }
    }

    @Test func aTimeoutFailsTheJobAndStopsItsService() throws {
        let waiting = try JobLifecycle.apply(.timedOut, to: try queued(), endpoint: endpoint, now: now)
        #expect(waiting.job.status == .failed)
        #expect(waiting.job.statusMessage == "Timed out: not finished within the timeoutSeconds of its StartJob")
        #expect(waiting.leavesQueue)
        #expect(waiting.notify == "http://caller/failure")
        #expect(waiting.cancelProcessJob == nil)

        let scheduled = try JobLifecycle.apply(.scheduled(processJob: "http://svc/ProcessJob/1"), to: try queued(), endpoint: nil, now: now)
        let running = try JobLifecycle.apply(.timedOut, to: scheduled.job, endpoint: endpoint, now: now)
        #expect(running.cancelProcessJob == "http://svc/ProcessJob/1")
        let late = try JobLifecycle.apply(.timedOut, to: running.job, endpoint: endpoint, now: now)
        #expect(!late.changed)
    }

    @Test(arguments: [JobEvent.leaseExpired, .handedBack(processJob: "p")])
    func anExpiredLeaseOrAHandBackQueuesTheJobAgain(event: JobEvent) throws {
        let scheduled = try JobLifecycle.apply(.scheduled(processJob: "p"), to: try queued(), endpoint: nil, now: now)
        let requeued = try JobLifecycle.apply(event, to: scheduled.job, endpoint: nil, now: now)
        #expect(requeued.job.status == .queued)
        #expect(requeued.job.processJob == nil)
        #expect(requeued.job.statusMessage == (event == .leaseExpired ? "Service stopped reporting; queued again" : "Service shut down; queued again"))
        #expect(!requeued.leavesQueue)
        let finished = try JobLifecycle.apply(.cancelRequested, to: scheduled.job, endpoint: nil, now: now)
        #expect(!(try JobLifecycle.apply(event, to: finished.job, endpoint: nil, now: now)).changed)
    }

    @Test func aHandBackFromAnEarlierProcessJobChangesNothing() throws {
        let scheduled = try JobLifecycle.apply(.scheduled(processJob: "p2"), to: try queued(), endpoint: nil, now: now)
        #expect(!(try JobLifecycle.apply(.handedBack(processJob: "p1"), to: scheduled.job, endpoint: nil, now: now)).changed)
    }
}
