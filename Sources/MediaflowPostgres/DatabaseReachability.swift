import Logging
import Synchronization

/// Whether this node reaches its database, as last probed. Nothing is probed while statements go through;
/// once a connection is lost, or statements have been waiting for `patience` with none coming back (a
/// database that stops answering without closing anything, as in a network partition), the watch probes
/// at once and then every `interval` until the database answers again. Meanwhile the store refuses
/// statements at once with the reason (`outage`) — in the pool's queue they would wait for as long as it
/// keeps trying to connect, a minute, or for as long as TCP keeps sending again — and `GET /health` says so.
final class DatabaseReachability: Sendable {
    private let outageReason = Mutex<String?>(nil)
    private let suspicions: AsyncStream<Void>
    private let suspicion: AsyncStream<Void>.Continuation
    private let statementsWaiting = Atomic<Int>(0)
    private let statementsAnswered = Atomic<Int>(0)

    init() {
        (suspicions, suspicion) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Why the database cannot be reached, or nil when the last probe (if any) reached it.
    var outage: String? { outageReason.withLock { $0 } }

    /// A connection was lost or could not be made: the watch probes the database.
    func suspect() { suspicion.yield() }

    /// Counts a statement sent, until its answer (`answered`).
    func sent() { statementsWaiting.add(1, ordering: .relaxed) }

    /// Counts a statement's answer, or its failure.
    func answered() {
        statementsWaiting.subtract(1, ordering: .relaxed)
        statementsAnswered.add(1, ordering: .relaxed)
    }

    /// Looks every `interval`, until cancelled, whether statements have waited for `patience` with none answered
    /// meanwhile, and if so suspects the database. (A statement that long while it answers costs a probe.)
    func watchForSilence(patience: Duration = .seconds(5), interval: Duration = .seconds(1)) async {
        var (answered, silentSince) = (statementsAnswered.load(ordering: .relaxed), ContinuousClock.now)
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            let now = statementsAnswered.load(ordering: .relaxed)
            if now != answered || statementsWaiting.load(ordering: .relaxed) == 0 {
                (answered, silentSince) = (now, .now)
            } else if ContinuousClock.now - silentSince >= patience {
                suspect()
                silentSince = .now
            }
        }
    }

    /// Runs `probe` (the reason the database cannot be reached, or nil) after each suspicion, and again every
    /// `interval` while the database stays away, until cancelled; logs when an outage begins and ends.
    func watch(interval: Duration = .seconds(1), logger: Logger, probe: @Sendable () async -> String?) async {
        for await _ in suspicions {
            var began: ContinuousClock.Instant?
            while !Task.isCancelled {
                let reason = await probe()
                outageReason.withLock { $0 = reason }
                guard let reason else { break }
                if began == nil {
                    began = .now
                    logger.error("\(reason); statements fail at once until it answers")
                }
                try? await Task.sleep(for: interval)
            }
            if let began {
                logger.notice("The database answers again, after \(Int((ContinuousClock.now - began).components.seconds)) s away")
            }
        }
    }
}
