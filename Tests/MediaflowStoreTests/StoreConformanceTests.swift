import Foundation
import MediaflowModel
import MediaflowPostgres
import MediaflowSQLite
import Logging
import MediaflowStore
import MediaflowTesting
import Testing

/// The drivers every store test runs against. PostgreSQL is reached at `MEDIAFLOW_TEST_POSTGRES_URL`
/// (default `postgres://postgres@127.0.0.1:55432/mediaflow`, where `.ci/run` starts one); each test
/// gets a schema of its own.
enum Driver: String, CaseIterable, CustomTestStringConvertible {
    case memory, sqlite, postgres

    var testDescription: String { rawValue }

    /// Runs `body` with a new, empty store of this driver.
    func withStore(_ body: @Sendable (any JobStore) async throws -> Void) async throws {
        try await withWriters { first, _ in try await body(first) }
    }

    /// Runs `body` with two stores on one new, empty database, as two processes (two nodes) would have
    /// them; for the in-memory driver, the same store twice.
    func withWriters(_ body: @Sendable (any JobStore, any JobStore) async throws -> Void) async throws {
        switch self {
        case .memory:
            let store = MemoryStore()
            try await body(store, store)
        case .sqlite:
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let path = folder.appendingPathComponent("test.sqlite").path
            try await body(try SQLiteStore(path: path), try SQLiteStore(path: path))
        case .postgres:
            try await TestDatabase.withFreshSchema { url in
                let first = try PostgresStore(url: url, logger: Logger(label: "test"))
                let second = try PostgresStore(url: url, logger: Logger(label: "test"))
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await first.run() }
                    group.addTask { try await second.run() }
                    defer { group.cancelAll() }
                    try await first.migrate()
                    try await body(first, second)
                }
            }
        }
    }
}

let base = "http://repo"
let now = Date(timeIntervalSince1970: 1_800_000_000)

func makeJob(profile: String = "P", type: JobType = .ameJob, created: Date = now) -> Job {
    var job = Job(type: type, profile: profile, relatedResource: RelatedResource(locator: "file:///clip.mp4"))
    job.id = ResourceLink.new(baseURL: base, collection: "Job").url
    job.jobStatus = .new
    job.dateCreated = created
    job.dateModified = created
    return job
}

func id(_ job: Job) -> String { ResourceLink(parsing: job.id!, collection: "Job")!.id }

func entry(for job: Job, priority: JobPriority = .medium, claimedBy: Lease? = nil) -> DispatchEntry {
    let entry = DispatchEntry(
        jobID: id(job), jobURL: job.id!, jobType: job.type, profile: job.jobProfile.label, priority: priority)
    return claimedBy.map { entry.claimed(by: $0) } ?? entry
}

func start(
    _ job: Job, in store: any JobStore, priority: JobPriority = .medium, endpoint: AsyncEndpoint? = nil,
    claimedBy: Lease? = nil
) async throws {
    var startJob = StartJob(job: job.id!, priority: priority, asyncEndpoint: endpoint)
    startJob.id = ResourceLink.new(baseURL: base, collection: "StartJob").url
    _ = try await store.queueJob(
        id: id(job), startJob: startJob, entry: entry(for: job, priority: priority, claimedBy: claimedBy), now: now)
}

@Suite struct RepositoryConformanceTests {
    @Test(arguments: Driver.allCases) func storedJobsReadBackUnchanged(driver: Driver) async throws {
        try await driver.withStore { store in
            let job = makeJob()
            try await store.insertJob(job)
            #expect(try await store.job(id: id(job)) == job)
            #expect(try await store.job(id: UUID().uuidString.lowercased()) == nil)
            await #expect(throws: StoreError.self) { try await store.insertJob(job) }
        }
    }

    @Test(arguments: Driver.allCases) func listingFiltersAndPagesNewestFirst(driver: Driver) async throws {
        try await driver.withStore { store in
            var jobs: [Job] = []
            for index in 0..<7 {
                let job = makeJob(profile: index % 2 == 0 ? "Even" : "Odd", created: now.addingTimeInterval(Double(index)))
                try await store.insertJob(job)
                jobs.append(job)
            }
            let first = try await store.jobs(matching: JobQuery(limit: 3))
            #expect(first.jobs.map(\.id) == jobs.reversed().prefix(3).map(\.id))
            let second = try await store.jobs(matching: JobQuery(limit: 3, cursor: first.nextCursor))
            #expect(second.jobs.map(\.id) == jobs.reversed().dropFirst(3).prefix(3).map(\.id))
            let last = try await store.jobs(matching: JobQuery(limit: 3, cursor: second.nextCursor))
            #expect(last.jobs.count == 1)
            #expect(last.nextCursor == nil)
            #expect(try await store.jobs(matching: JobQuery(profile: "Even")).jobs.count == 4)
            let window = JobQuery(createdAfter: now.addingTimeInterval(2), createdBefore: now.addingTimeInterval(5))
            #expect(try await store.jobs(matching: window).jobs.count == 3)
            #expect(try await store.jobs(matching: JobQuery(status: .completed)).jobs.isEmpty)
        }
    }

    @Test(arguments: Driver.allCases) func retentionPurgesOnlyOldFinishedJobs(driver: Driver) async throws {
        try await driver.withStore { store in
            let oldDone = makeJob(created: now.addingTimeInterval(-7200))
            let oldNew = makeJob(created: now.addingTimeInterval(-7200))
            let newDone = makeJob()
            for job in [oldDone, oldNew, newDone] { try await store.insertJob(job) }
            for job in [oldDone, newDone] {
                var finished = job
                finished.jobStatus = .completed
                try await store.replaceJob(finished, ifVersion: nil)
            }
            #expect(try await store.purge(createdBefore: now.addingTimeInterval(-3600)) == 1)
            #expect(try await store.job(id: id(oldDone)) == nil)
            #expect(try await store.job(id: id(oldNew)) != nil)
            #expect(try await store.jobs(matching: JobQuery(status: .completed)).jobs.map(\.id) == [newDone.id])
            #expect(try await store.jobs(matching: JobQuery(status: .new)).jobs.map(\.id) == [oldNew.id])
        }
    }

    @Test(arguments: Driver.allCases) func onlyFinishedJobsCanBeDeletedAndAreListedByTheirStatusUntilThen(driver: Driver) async throws {
        try await driver.withStore { store in
            var job = makeJob()
            try await store.insertJob(job)
            let conflict = await #expect(throws: StoreError.self) { try await store.deleteJob(id: id(job)) }
            #expect(conflict?.isConflict == true)
            job.jobStatus = .completed
            try await store.replaceJob(job, ifVersion: nil)
            #expect(try await store.jobs(matching: JobQuery(status: .completed)).jobs.map(\.id) == [job.id])
            #expect(try await store.jobs(matching: JobQuery(status: .new)).jobs.isEmpty)
            try await store.deleteJob(id: id(job))
            #expect(try await store.job(id: id(job)) == nil)
            #expect(try await store.jobs(matching: JobQuery(status: .completed)).jobs.isEmpty)
            let missing = await #expect(throws: StoreError.self) { try await store.deleteJob(id: id(job)) }
            #expect(missing?.isNotFound == true)
        }
    }
}

extension RepositoryConformanceTests {
    @Test(arguments: Driver.allCases) func aReplaceFromAnOutdatedVersionIsRefused(driver: Driver) async throws {
        try await driver.withWriters { first, second in
            let job = makeJob()
            try await first.insertJob(job)
            #expect(try await first.versionedJob(id: id(job))?.version == 0)
            try await start(job, in: first)
            var queued = try #require(try await first.versionedJob(id: id(job)))
            #expect(queued.version == 1)
            queued.job.statusMessage = "written from version 1"
            #expect(try await first.replaceJob(queued.job, ifVersion: 1) == 2)
            #expect(try await second.replaceJob(queued.job, ifVersion: 2) == 3)

            var outdated = queued.job
            outdated.statusMessage = "written from version 2"
            let refused = await #expect(throws: StoreError.self) { try await first.replaceJob(outdated, ifVersion: 2) }
            #expect(refused?.isOutdated == true)
            #expect(try await second.versionedJob(id: id(job)) == VersionedJob(job: queued.job, version: 3))
            #expect(try await first.replaceJob(outdated, ifVersion: nil) == 4)

            let missing = await #expect(throws: StoreError.self) { try await first.replaceJob(makeJob(), ifVersion: 0) }
            #expect(missing?.isNotFound == true)
        }
    }
}

extension RepositoryConformanceTests {
    @Test(arguments: Driver.allCases) func onlyAStartJobThatStartedNothingCanBeWithdrawn(driver: Driver) async throws {
        try await driver.withWriters { first, second in
            let job = makeJob()
            try await first.insertJob(job)
            var lost = StartJob(job: job.id!)
            lost.id = ResourceLink.new(baseURL: base, collection: "StartJob").url
            try await second.insertStartJob(lost)
            try await start(job, in: first)
            let startedBy = ResourceLink(parsing: try #require(try await first.job(id: id(job))?.startJob), collection: "StartJob")!.id
            let refused = await #expect(throws: StoreError.self) { try await second.deleteStartJob(id: startedBy) }
            #expect(refused?.isConflict == true)
            #expect(try await first.startJob(id: startedBy) != nil)

            let lostID = ResourceLink(parsing: lost.id!, collection: "StartJob")!.id
            try await second.deleteStartJob(id: lostID)
            #expect(try await first.startJob(id: lostID) == nil)
            let missing = await #expect(throws: StoreError.self) { try await first.deleteStartJob(id: lostID) }
            #expect(missing?.isNotFound == true)
        }
    }

    @Test(arguments: [Driver.sqlite, .postgres]) func aHistoryOfFinishedJobsReadsBackAsJobs(driver: Driver) async throws {
        try await driver.withStore { store in
            let filling = try #require(store as? any HistoryFilling)
            try await filling.addFinishedHistory(jobs: 1_000, now: now)
            let page = try await store.jobs(matching: JobQuery(status: .completed, limit: 3))
            #expect(page.jobs.map(\.id) == (998...1000).reversed().map { String(format: "http://history/Job/00000000-0000-4000-8000-%012d", $0) })
            #expect(page.jobs.allSatisfy { $0.status == .completed && $0.jobProfile.label == "NoOp" })
            #expect(try await store.jobs(matching: JobQuery(createdBefore: now.addingTimeInterval(-0.5), limit: 1000)).jobs.count == 499)
            let delivered = try await store.outboxMessages(state: .delivered, after: nil, limit: 2_000)
            #expect(delivered.count == 1_000)
            #expect(try ProtocolJSON.decode(Job.self, from: try #require(delivered.first?.body)).status == .completed)
            let start = try #require(page.jobs.first?.startJob.flatMap { ResourceLink(parsing: $0, collection: "StartJob") })
            #expect(try await store.startJob(id: start.id)?.job == page.jobs.first?.id)
        }
    }
}

@Suite struct ProcessorConformanceTests {
    @Test(arguments: Driver.allCases) func queueingRecordsTheStartAndTheEntryTogether(driver: Driver) async throws {
        try await driver.withStore { store in
            let job = makeJob()
            try await store.insertJob(job)
            try await start(job, in: store)
            let stored = try #require(try await store.job(id: id(job)))
            #expect(stored.status == .queued)
            let startID = ResourceLink(parsing: try #require(stored.startJob), collection: "StartJob")!.id
            #expect(try await store.startJob(id: startID)?.job == job.id)
            await #expect(throws: JobLifecycleError.self) { try await start(job, in: store) }
        }
    }

    @Test(arguments: Driver.allCases) func aChangeByAnotherWriterIsNeverOverwrittenNorMissed(driver: Driver) async throws {
        try await driver.withWriters { first, second in
            let job = makeJob()
            try await first.insertJob(job)
            try await start(job, in: second)
            // `first` last wrote the job NEW, where a report changes nothing; it is QUEUED by now.
            let running = try await first.applyEvent(
                .reported(JobReport.update(job: job.id!, processJob: nil, progress: 10)), toJob: id(job), lease: nil, now: now)
            #expect(running.changed)
            #expect(running.job.status == .running)
            await #expect(throws: JobLifecycleError.self) { try await start(job, in: first) }
            let canceled = try await second.applyEvent(.cancelRequested, toJob: id(job), lease: nil, now: now)
            #expect(canceled.job.status == .canceled)
            let late = try await first.applyEvent(
                .reported(JobReport.update(job: job.id!, processJob: nil, progress: 20)), toJob: id(job), lease: nil, now: now)
            #expect(!late.changed)
            #expect(late.job.status == .canceled)
            #expect(late.job.progress == 10)
            #expect(try await first.job(id: id(job))?.status == .canceled)
        }
    }

    @Test(arguments: Driver.allCases) func claimsTakeOnlyOfferedProfilesByPriorityThenAge(driver: Driver) async throws {
        try await driver.withStore { store in
            let long1 = makeJob(profile: "Long"), long2 = makeJob(profile: "Long")
            let short = makeJob(profile: "Short"), urgent = makeJob(profile: "Short")
            for job in [long1, long2, short, urgent] { try await store.insertJob(job) }
            try await start(long1, in: store)
            try await start(long2, in: store)
            try await start(short, in: store, priority: .low)
            try await start(urgent, in: store, priority: .urgent)
            let lease = Lease(owner: "node", until: now.addingTimeInterval(30))
            let shorts = try await store.claimDispatch(profiles: ["Short"], limit: 10, lease: lease, now: now)
            #expect(shorts.map(\.jobID) == [id(urgent), id(short)])
            let longs = try await store.claimDispatch(profiles: ["Long", "Short"], limit: 1, lease: lease, now: now)
            #expect(longs.map(\.jobID) == [id(long1)])
            #expect(longs.first?.attempts == 1)
            let again = try await store.claimDispatch(profiles: ["Long", "Short"], limit: 10, lease: lease, now: now)
            #expect(again.map(\.jobID) == [id(long2)])
        }
    }

    @Test(arguments: Driver.allCases) func aDelayedStartIsClaimedOnlyOnceDue(driver: Driver) async throws {
        try await driver.withStore { store in
            let delayed = makeJob(), queuedLater = makeJob(), direct = makeJob()
            for job in [delayed, queuedLater, direct] { try await store.insertJob(job) }
            var startJob = StartJob(job: delayed.id!)
            startJob.id = ResourceLink.new(baseURL: base, collection: "StartJob").url
            var delayedEntry = entry(for: delayed)
            delayedEntry.notBefore = now.addingTimeInterval(60)
            _ = try await store.queueJob(id: id(delayed), startJob: startJob, entry: delayedEntry, now: now)
            var laterEntry = entry(for: queuedLater)
            laterEntry.notBefore = now.addingTimeInterval(30)
            try await store.enqueue(laterEntry)
            try await start(direct, in: store)

            let lease = Lease(owner: "node", until: now.addingTimeInterval(300))
            let atOnce = try await store.claimDispatch(profiles: ["P"], limit: 10, lease: lease, now: now)
            #expect(atOnce.map(\.jobID) == [id(direct)])
            let halfway = try await store.claimDispatch(profiles: ["P"], limit: 10, lease: lease, now: now.addingTimeInterval(45))
            #expect(halfway.map(\.jobID) == [id(queuedLater)])
            let due = try await store.claimDispatch(profiles: ["P"], limit: 10, lease: lease, now: now.addingTimeInterval(60))
            #expect(due.map(\.jobID) == [id(delayed)])
            #expect(due.first?.notBefore == nil)
        }
    }

    @Test(arguments: Driver.allCases) func entriesPastTheirDeadlineAreFoundOverdueAndTheEarliestIsKnown(driver: Driver) async throws {
        try await driver.withStore { store in
            let soon = makeJob(), later = makeJob(), never = makeJob()
            for (job, deadline) in [(later, 20.0), (soon, 10.0), (never, nil)] {
                try await store.insertJob(job)
                var startJob = StartJob(job: job.id!)
                startJob.id = ResourceLink.new(baseURL: base, collection: "StartJob").url
                var queued = entry(for: job)
                queued.deadline = deadline.map { now.addingTimeInterval($0) }
                _ = try await store.queueJob(id: id(job), startJob: startJob, entry: queued, now: now)
            }
            #expect(try await store.overdueDispatches(now: now.addingTimeInterval(5), limit: 10).isEmpty)
            #expect(try await store.earliestDeadline() == now.addingTimeInterval(10))
            let first = try await store.overdueDispatches(now: now.addingTimeInterval(10), limit: 10)
            #expect(first.map(\.jobID) == [id(soon)])
            #expect(first.first?.deadline == nil)
            let both = try await store.overdueDispatches(now: now.addingTimeInterval(3600), limit: 10)
            #expect(both.map(\.jobID) == [id(soon), id(later)])
            try await store.dropDispatch(jobID: id(soon))
            #expect(try await store.overdueDispatches(now: now.addingTimeInterval(3600), limit: 10).map(\.jobID) == [id(later)])
            #expect(try await store.earliestDeadline() == now.addingTimeInterval(20))
            try await store.dropDispatch(jobID: id(later))
            #expect(try await store.earliestDeadline() == nil)
        }
    }

    @Test(arguments: Driver.allCases) func anEntryClaimedAsItIsQueuedIsNobodyElsesUntilItsLeaseEnds(driver: Driver) async throws {
        try await driver.withWriters { first, second in
            let mine = makeJob()
            let waiting = makeJob()
            let claim = Lease(owner: "node-a", until: now.addingTimeInterval(30))
            try await first.insertJob(mine)
            try await start(mine, in: first, claimedBy: claim)
            try await first.insertJob(waiting)
            try await start(waiting, in: first)
            let elsewhere = makeJob()
            try await first.enqueue(entry(for: elsewhere, claimedBy: claim))
            func claims(_ store: any JobStore, at time: Date) async throws -> [String] {
                try await store.claimDispatch(
                    profiles: ["P"], limit: 10, lease: Lease(owner: "node-b", until: time.addingTimeInterval(300)), now: time
                ).map(\.jobID)
            }
            #expect(try await claims(second, at: now) == [id(waiting)])
            #expect(try await second.expiredDispatches(now: now.addingTimeInterval(29), limit: 10).isEmpty)
            let expired = try await second.expiredDispatches(now: now.addingTimeInterval(31), limit: 10)
            #expect(Set(expired.map(\.entry.jobID)) == [id(mine), id(elsewhere)])
            #expect(expired.allSatisfy { !$0.wasDispatched && $0.entry.attempts == 1 })
            // Back in the queue, the entries are anybody's.
            for (entry, _) in expired { try await second.releaseDispatch(jobID: entry.jobID, notBefore: now) }
            #expect(try await claims(second, at: now.addingTimeInterval(31)) == [id(mine), id(elsewhere)])
        }
    }

    @Test(arguments: Driver.allCases) func expiredLeasesAreFoundAndReleased(driver: Driver) async throws {
        try await driver.withStore { store in
            let job = makeJob()
            try await store.insertJob(job)
            try await start(job, in: store)
            let lease = Lease(owner: "node", until: now.addingTimeInterval(5))
            _ = try await store.claimDispatch(profiles: ["P"], limit: 1, lease: lease, now: now)
            _ = try await store.applyEvent(.scheduled(processJob: "http://svc/ProcessJob/1"), toJob: id(job), lease: lease, now: now)
            #expect(try await store.expiredDispatches(now: now, limit: 10).isEmpty)
            let expired = try await store.expiredDispatches(now: now.addingTimeInterval(6), limit: 10)
            #expect(expired.map(\.entry.jobID) == [id(job)])
            #expect(expired.first?.wasDispatched == true)
            try await store.releaseDispatch(jobID: id(job), notBefore: now.addingTimeInterval(1))
            #expect(try await store.claimDispatch(profiles: ["P"], limit: 1, lease: lease, now: now).isEmpty)
            #expect(try await store.claimDispatch(profiles: ["P"], limit: 1, lease: lease, now: now.addingTimeInterval(1)).count == 1)
        }
    }

    @Test(arguments: Driver.allCases) func theEndOfAJobLeavesTheQueueAndWritesItsCallback(driver: Driver) async throws {
        try await driver.withStore { store in
            let job = makeJob()
            try await store.insertJob(job)
            try await start(job, in: store, endpoint: AsyncEndpoint(success: "http://caller/ok", failure: "http://caller/ko"))
            let stop = JobReport.stop(job: job.id!, processJob: nil, status: .completed, output: ["x": 1])
            let transition = try await store.applyEvent(.reported(stop), toJob: id(job), lease: nil, now: now)
            #expect(transition.job.status == .completed)
            #expect(try await store.job(id: id(job))?.jobOutput == ["x": 1])
            let lease = Lease(owner: "node", until: now.addingTimeInterval(30))
            #expect(try await store.claimDispatch(profiles: ["P"], limit: 10, lease: lease, now: now).isEmpty)
            let messages = try await store.claimOutbox(limit: 10, lease: lease, now: now)
            #expect(messages.map(\.target) == ["http://caller/ok"])
            let delivered = try ProtocolJSON.decode(Job.self, from: messages[0].body)
            #expect(delivered.status == .completed)
            #expect(try await store.claimOutbox(limit: 10, lease: lease, now: now).isEmpty)
            let duplicate = try await store.applyEvent(.reported(stop), toJob: id(job), lease: nil, now: now)
            #expect(!duplicate.changed)
            #expect(try await store.outboxMessages(state: .pending, after: nil, limit: 10).count == 1)
        }
    }

    /// A callback not yet delivered carries its job as it ended even once the job is deleted, or purged.
    @Test(arguments: Driver.allCases) func manyJobsChangedAtOnceAreEachWrittenOnce(driver: Driver) async throws {
        try await driver.withStore { store in
            let taken = makeJob()
            try await store.insertJob(taken)
            let jobs = (0..<40).map { _ in makeJob() }
            let refused = try await withThrowingTaskGroup(of: Bool.self) { group in
                for job in jobs + [taken] {
                    group.addTask {
                        do { try await store.insertJob(job) } catch let error as StoreError where error.isConflict { return true }
                        return false
                    }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(refused == 1)
            let endpoint = AsyncEndpoint(success: "http://caller/ok", failure: "http://caller/ko")
            try await withThrowingTaskGroup(of: Void.self) { group in
                for job in jobs { group.addTask { try await start(job, in: store, endpoint: endpoint) } }
                try await group.waitForAll()
            }
            let ends = try await withThrowingTaskGroup(of: Bool.self) { group in
                for (index, job) in jobs.enumerated() {
                    let stop = JobReport.stop(job: job.id!, processJob: nil, status: index % 2 == 0 ? .completed : .failed)
                    group.addTask { try await store.applyEvent(.reported(stop), toJob: id(job), lease: nil, now: now).changed }
                    group.addTask { try await store.applyEvent(.reported(stop), toJob: id(job), lease: nil, now: now).changed }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(ends == jobs.count)
            #expect(try await store.jobs(matching: JobQuery(status: .completed)).jobs.count == jobs.count / 2)
            #expect(try await store.jobs(matching: JobQuery(status: .failed)).jobs.count == jobs.count / 2)
            let lease = Lease(owner: "node", until: now.addingTimeInterval(30))
            #expect(try await store.claimDispatch(profiles: ["P"], limit: 100, lease: lease, now: now).isEmpty)
            let messages = try await store.claimOutbox(limit: 100, lease: lease, now: now)
            #expect(messages.filter { $0.target == "http://caller/ok" }.count == jobs.count / 2)
            #expect(messages.count == jobs.count)
        }
    }

    @Test(arguments: Driver.allCases) func gaugesCountTheWorkNotYetDoneAndTheCallbacksNotYetDelivered(driver: Driver) async throws {
        try await driver.withStore { store in
            #expect(try await store.gauges() == StoreGauges())
            let jobs = [makeJob(), makeJob(), makeJob(), makeJob(profile: "Q"), makeJob()]
            for job in jobs { try await store.insertJob(job) }
            let endpoint = AsyncEndpoint(success: "http://caller/ok", failure: "http://caller/ko")
            for job in jobs.prefix(4) { try await start(job, in: store, endpoint: endpoint) }
            let lease = Lease(owner: "node", until: now.addingTimeInterval(30))
            #expect(try await store.claimDispatch(profiles: ["P"], limit: 1, lease: lease, now: now).map(\.jobID) == [id(jobs[0])])
            for (job, status) in [(jobs[1], JobStatus.completed), (jobs[2], .failed)] {
                let stop = JobReport.stop(job: job.id!, processJob: nil, status: status)
                _ = try await store.applyEvent(.reported(stop), toJob: id(job), lease: nil, now: now)
            }
            let failed = try #require(try await store.claimOutbox(limit: 10, lease: lease, now: now).first { $0.target == "http://caller/ko" })
            try await store.markFailed(id: failed.id, attempts: 12, nextAttemptAt: now, error: "410 Gone", dead: true)

            let gauges = try await store.gauges()
            #expect(gauges.unfinishedJobs == [.new: 1, .queued: 2])
            #expect(gauges.waitingJobs == ["Q": 1])
            #expect(gauges.heldJobs == 1)
            #expect(gauges.undeliveredCallbacks == [.pending: 1, .dead: 1])
        }
    }
}

@Suite struct RegistryConformanceTests {
    @Test(arguments: Driver.allCases) func servicesAndProfilesAreUpsertedAndDeleted(driver: Driver) async throws {
        try await driver.withStore { store in
            var service = MediaService(label: "AME", jobType: .ameJob, jobProfiles: ["P"], processJobEndpoint: "http://svc/ProcessJob")
            service.id = ResourceLink.new(baseURL: base, collection: "Service").url
            try await store.upsertService(service)
            service.capacity = 9
            try await store.upsertService(service)
            #expect(try await store.services() == [service])
            try await store.upsertProfile(JobProfile(label: "P", jobType: nil, inputParameters: [JobParameter("x")]))
            #expect(try await store.profiles().map(\.label) == ["P"])
            try await store.deleteService(id: ResourceLink(parsing: service.id!, collection: "Service")!.id)
            try await store.deleteProfile(label: "P")
            #expect(try await store.services().isEmpty)
            let missing = await #expect(throws: StoreError.self) { try await store.deleteProfile(label: "P") }
            #expect(missing?.isNotFound == true)
        }
    }
}
