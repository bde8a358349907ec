/// Services that could not take a `ProcessJob` (unreachable, or answering 5xx), rested before they are sent
/// jobs again: an unreachable service holds no job, so without a rest it looks the least loaded to every
/// dispatch. A rest lasts 1 s after the first failure, doubling with each failure in a row up to 30 s; after it
/// the service is sent one job at a time (while it holds none) until one is taken, which ends its rests.
struct ServiceRests {
    private struct Rest {
        var until: ContinuousClock.Instant
        var failures: Int
    }

    /// Service id → its rest; services that took their last job are absent.
    private var rests: [String: Rest] = [:]

    mutating func failed(_ serviceID: String, at now: ContinuousClock.Instant) {
        let failures = (rests[serviceID]?.failures ?? 0) + 1
        let rest = min(Duration.seconds(1) * (1 << min(failures - 1, 5)), .seconds(30))
        rests[serviceID] = Rest(until: now + rest, failures: failures)
    }

    mutating func succeeded(_ serviceID: String) { rests[serviceID] = nil }

    /// How many jobs a service with `room` that holds `load` jobs may be sent now: none while it rests, one
    /// after a rest while it holds none.
    func room(_ room: Int, load: Int, of serviceID: String, at now: ContinuousClock.Instant) -> Int {
        guard let rest = rests[serviceID] else { return room }
        return now < rest.until || load > 0 ? 0 : min(room, 1)
    }
}
