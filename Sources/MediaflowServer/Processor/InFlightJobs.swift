/// The jobs a dispatcher handed out and has not heard the end of, with how many each service holds, kept as
/// jobs come and go: a dispatch round reads the load per service without counting every job in flight.
struct InFlightJobs {
    /// Job id → service id.
    private var services: [String: String] = [:]
    /// Service id → jobs it holds; services holding none are absent.
    private(set) var load: [String: Int] = [:]

    mutating func add(_ jobID: String, on serviceID: String) {
        if let previous = services.updateValue(serviceID, forKey: jobID) { drop(previous) }
        load[serviceID, default: 0] += 1
    }

    /// Forgets `jobID`; true when it was in flight.
    mutating func remove(_ jobID: String) -> Bool {
        guard let serviceID = services.removeValue(forKey: jobID) else { return false }
        drop(serviceID)
        return true
    }

    private mutating func drop(_ serviceID: String) {
        if load[serviceID] == 1 { load[serviceID] = nil } else { load[serviceID]? -= 1 }
    }
}
