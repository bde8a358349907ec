import Foundation
import Logging
import MediaflowModel
import MediaflowStore
import ServiceLifecycle
import Synchronization

/// Hands queued jobs to services. Only profiles that some service has room for are claimed, so a
/// backlog of long jobs in one profile never holds back short jobs in another; within what is claimed,
/// higher priority and older jobs go first, to the service with the highest priority and lowest load.
/// Jobs whose service stopped reporting are queued again when their lease runs out; jobs that have not ended
/// within their `timeoutSeconds` fail at their deadline, when this node queued them or knew of them at its last
/// look, else at its next (every quarter of a lease).
final class JobDispatcher: Service, Sendable {
    let store: any JobProcessorStore
    let ledger: any JobLedger
    let directory: any ServiceDirectory
    let invoker: ServiceInvoker
    let baseURL: String
    /// The `@context` and the `asyncEndpoint` of every `ProcessJob` this node sends, made once.
    private let context: String
    private let reportEndpoints: AsyncEndpoint
    let leaseDuration: Duration
    let releaseLeasesAtStart: Bool
    let logger: Logger
    let owner = UniqueID.make()
    let maxAttempts = 5
    private let signal = WorkSignal()
    /// The jobs this node handed out and has not heard the end of, by service.
    private let inFlight = Mutex(InFlightJobs())
    /// The services resting after failing to take a job.
    private let rests = Mutex(ServiceRests())
    /// The profiles some service had room for after the last round.
    private let profilesWithRoom = Mutex<Set<String>>([])
    /// Entries this dispatcher claimed as they were queued, to send off in the next round.
    private let handedOver = Mutex<[DispatchEntry]>([])
    /// How many times work was announced (`wake`): entries for any dispatcher may be waiting in the store.
    private let announcements = Atomic<Int>(0)
    /// The earliest deadline of a queued job known here: the store's at the last look for overdue jobs, or
    /// one queued through this node since.
    private let nextDeadline = Mutex<Date?>(nil)

    init(
        store: any JobProcessorStore, ledger: any JobLedger, directory: any ServiceDirectory, invoker: ServiceInvoker,
        baseURL: String, leaseDuration: Duration, releaseLeasesAtStart: Bool, logger: Logger
    ) {
        self.store = store
        self.ledger = ledger
        self.directory = directory
        self.invoker = invoker
        self.baseURL = baseURL
        context = contextURL(baseURL: baseURL)
        reportEndpoints = AsyncEndpoint(
            update: "\(baseURL)/UpdateJob", success: "\(baseURL)/StopJob", failure: "\(baseURL)/StopJob")
        self.leaseDuration = leaseDuration
        self.releaseLeasesAtStart = releaseLeasesAtStart
        self.logger = logger
    }

    /// Tells the dispatcher new work may be waiting in the store.
    func wake() {
        announcements.add(1, ordering: .relaxed)
        signal.notify()
    }

    /// The lease under which this dispatcher claims a job of `profile` as it is queued, when it has room for
    /// one as of its last round; nil when the job should wait for any node.
    func claimOnQueueing(profile: String, now: Date) -> Lease? {
        guard profilesWithRoom.withLock({ $0.contains(profile) }) else { return nil }
        return Lease(owner: owner, until: now + leaseDuration)
    }

    /// Takes an entry queued under this dispatcher's claim (see `claimOnQueueing`), to send it off without
    /// claiming it from the store.
    func take(_ entry: DispatchEntry) {
        handedOver.withLock { $0.append(entry) }
        signal.notify()
    }

    /// Looks for overdue jobs at `deadline`, a job's that this node queued, unless it looks earlier anyway.
    func expect(deadline: Date) {
        nextDeadline.withLock { $0 = min($0 ?? deadline, deadline) }
        signal.notify()
    }

    /// Forgets a job this node dispatched, freeing its service's slot.
    func release(jobID: String) {
        if inFlight.withLock({ $0.remove(jobID) }) { signal.notify() }
    }

    /// Asks the service running a canceled job to stop.
    func forwardCancel(_ processJob: String) async { await invoker.cancel(processJob) }

    func run() async throws {
        if releaseLeasesAtStart { try await store.releaseAllLeases() }
        await cancelWhenGracefulShutdown { await self.dispatchUntilCancelled() }
    }

    private func dispatchUntilCancelled() async {
        var lastSweep = ContinuousClock.now - .seconds(3600)
        var drained = DrainedWork<String>()
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled {
                do {
                    if ContinuousClock.now - lastSweep > leaseDuration / 4 {
                        try await sweepExpiredLeases()
                        try await failOverdueJobs()
                        lastSweep = .now
                    } else if untilNextDeadline() == .zero {
                        try await failOverdueJobs()
                    }
                    let dispatched = try await dispatchRound(drained: &drained, group: &group)
                    if !dispatched {
                        await signal.wait(timeout: min(leaseDuration / 4, .seconds(1), untilNextDeadline()))
                    }
                } catch {
                    logger.error("Dispatch round failed: \(error)")
                    await signal.wait(timeout: .seconds(1))
                }
            }
        }
    }

    /// Sends off the entries handed over and claims what the services have room for beyond them; false when
    /// there was nothing to send.
    private func dispatchRound(drained: inout DrainedWork<String>, group: inout DiscardingTaskGroup) async throws -> Bool {
        let services = try await usableServices()
        let load = inFlight.withLock(\.load)
        let resting = rests.withLock { $0 }
        let moment = ContinuousClock.now
        var free = Dictionary(uniqueKeysWithValues: services.compactMap { service in
            service.id.map { id in
                let held = load[id, default: 0]
                return (id, resting.room(max(0, service.capacity - held), load: held, of: id, at: moment))
            }
        })
        func roomyProfiles() -> Set<String> { Set(services.filter { free[$0.id ?? ""]! > 0 }.flatMap(\.jobProfiles)) }
        let profiles = roomyProfiles()
        defer {
            let left = roomyProfiles()
            profilesWithRoom.withLock { $0 = left }
        }
        let handed = handedOver.withLock { handed in
            defer { handed = [] }
            return handed
        }
        let room = free.values.reduce(0, +) - handed.count
        let now = Timestamp.now()
        let claimable = drained.claimable(profiles, announced: announcements.load(ordering: .relaxed))
        var claimed = handed
        if room > 0, !claimable.isEmpty {
            let limit = min(room, 256)
            do {
                let found = try await store.claimDispatch(
                    profiles: claimable, limit: limit, lease: Lease(owner: owner, until: now + leaseDuration), now: now)
                if found.count < limit { drained.found(noMoreOf: claimable) }
                claimed += found
            } catch {
                handedOver.withLock { $0.insert(contentsOf: handed, at: 0) }
                throw error
            }
        }
        for entry in claimed {
            let candidates = services.filter { $0.offers(entry.jobType, profile: entry.profile) && free[$0.id!]! > 0 }
            guard let service = candidates.max(by: { lhs, rhs in
                (lhs.priority, -Double(load[lhs.id!, default: 0]) / Double(lhs.capacity))
                    < (rhs.priority, -Double(load[rhs.id!, default: 0]) / Double(rhs.capacity))
            }) else {
                try await store.releaseDispatch(jobID: entry.jobID, notBefore: now + .milliseconds(200))
                continue
            }
            free[service.id!]! -= 1
            inFlight.withLock { $0.add(entry.jobID, on: service.id!) }
            dispatch(entry, to: service, in: &group)
        }
        return !claimed.isEmpty
    }

    /// The services this node dispatches to: external ones, and the built-in services of this node when it
    /// has any (another node's built-in services are that node's to feed), else everybody's.
    private func usableServices() async throws -> [MediaService] {
        let services = try await directory.services()
        guard let local = invoker.localHost?.endpoint else { return services }
        return services.filter { $0.builtIn != true || $0.processJobEndpoint == local }
    }

    /// Hands `entry` to `service`: at once to a built-in service of this node, which takes a job without
    /// waiting for it; from a task of its own to any other.
    private func dispatch(_ entry: DispatchEntry, to service: MediaService, in group: inout DiscardingTaskGroup) {
        var processJob = ProcessJob(job: entry.jobURL, asyncEndpoint: reportEndpoints)
        processJob.context = context
        guard let localHost = invoker.localHost, invoker.runsLocally(service.processJobEndpoint) else {
            group.addTask { [processJob] in await self.send(processJob, entry: entry, to: service) }
            return
        }
        // The service reports RUNNING at once; recording SCHEDULED first would be a write that the next write
        // undoes. Its claim lease covers the moment in between.
        localHost.start(processJob)
    }

    /// Sends `processJob` to a service in another process, and records the job SCHEDULED with it.
    private func send(_ processJob: ProcessJob, entry: DispatchEntry, to service: MediaService) async {
        do {
            let accepted = try await offer(processJob, to: service)
            let now = Timestamp.now()
            _ = try await ledger.apply(
                .scheduled(processJob: accepted.id ?? service.processJobEndpoint), toJobAt: entry.jobURL,
                lease: Lease(owner: owner, until: now + leaseDuration), now: now)
        } catch {
            inFlight.withLock { _ = $0.remove(entry.jobID) }
            await dispatchFailed(entry, service: service, error: error)
        }
    }

    /// Sends `processJob` to `service`, resting the service when it cannot take a job (see `ServiceRests`).
    private func offer(_ processJob: ProcessJob, to service: MediaService) async throws -> ProcessJob {
        do {
            let accepted = try await invoker.send(processJob, to: service.processJobEndpoint)
            rests.withLock { $0.succeeded(service.id!) }
            return accepted
        } catch {
            if !(error is ProcessJobRefused) { rests.withLock { $0.failed(service.id!, at: .now) } }
            throw error
        }
    }

    private func dispatchFailed(_ entry: DispatchEntry, service: MediaService, error: any Error) async {
        logger.warning("ProcessJob to \(service.label) failed (attempt \(entry.attempts)): \(error)")
        do {
            if entry.attempts >= maxAttempts {
                _ = try await ledger.apply(
                    .abandoned(reason: "No service accepted the job after \(entry.attempts) attempts: \(error)"),
                    toJobAt: entry.jobURL, lease: nil, now: Timestamp.now())
            } else {
                let backoff = Duration.milliseconds(250 << min(entry.attempts, 6))
                try await store.releaseDispatch(jobID: entry.jobID, notBefore: Timestamp.now() + backoff)
            }
        } catch {
            logger.error("Could not requeue job \(entry.jobID): \(error)")
        }
    }

    /// Queues again, at once, a job that a service stopped unfinished (under `processJob`) as its node shut
    /// down, so that a node with room takes it up without waiting out its lease.
    func handBack(jobAt url: String, processJob: String) async throws -> JobTransition {
        let transition = try await ledger.apply(
            .handedBack(processJob: processJob), toJobAt: url, lease: nil, now: Timestamp.now())
        if transition.changed, let jobID = ResourceLink.id(in: url, collection: "Job") {
            release(jobID: jobID)
            logger.info("Job \(jobID) stopped by its service's shutdown; queued again")
            wake()
        }
        return transition
    }

    /// Queues again the jobs whose lease ran out: their service stopped reporting, or their node died.
    private func sweepExpiredLeases() async throws {
        let now = Timestamp.now()
        let expired = try await store.expiredDispatches(now: now, limit: 500)
        for (entry, wasDispatched) in expired {
            inFlight.withLock { _ = $0.remove(entry.jobID) }
            if wasDispatched {
                _ = try? await ledger.apply(.leaseExpired, toJobAt: entry.jobURL, lease: nil, now: now)
                logger.info("Lease of job \(entry.jobID) expired; queued again")
            }
            try await store.releaseDispatch(jobID: entry.jobID, notBefore: now)
        }
        if !expired.isEmpty { wake() }
    }

    /// How long until the next deadline known here; zero when it has passed.
    private func untilNextDeadline() -> Duration {
        guard let deadline = nextDeadline.withLock({ $0 }) else { return .seconds(3600) }
        return .seconds(max(0, deadline.timeIntervalSince(Timestamp.now())))
    }

    /// Fails the jobs that have not ended within their `timeoutSeconds`, telling their services to stop, and
    /// learns the next deadline from the store. A deadline already past after this (a job that could not be
    /// failed now, or more were overdue than one look takes) is looked at again in a second, not at once.
    private func failOverdueJobs() async throws {
        let now = Timestamp.now()
        // Deadlines queued through this node from here on are kept; the one known before stays only if the
        // store cannot be read.
        var earliest = nextDeadline.withLock { deadline in
            defer { deadline = nil }
            return deadline
        }
        defer {
            nextDeadline.withLock { deadline in
                deadline = [deadline, earliest].compactMap { $0 }.min().map { $0 <= now ? now + .seconds(1) : $0 }
            }
        }
        for entry in try await store.overdueDispatches(now: now, limit: 500) {
            inFlight.withLock { _ = $0.remove(entry.jobID) }
            do {
                let transition = try await ledger.apply(.timedOut, toJobAt: entry.jobURL, lease: nil, now: now)
                if transition.changed {
                    logger.info("Job \(entry.jobID) timed out")
                } else {
                    // The job had ended, but its entry was left behind (another processor ended it).
                    try await store.dropDispatch(jobID: entry.jobID)
                }
                if let processJob = transition.cancelProcessJob { await forwardCancel(processJob) }
            } catch let error as StoreError where error.isNotFound {
                try await store.dropDispatch(jobID: entry.jobID)
            } catch {
                logger.warning("Could not time out job \(entry.jobID): \(error)")
            }
        }
        earliest = try await store.earliestDeadline()
    }
}
