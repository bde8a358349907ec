import PostgresNIO

/// One statement that changes a job and everything that goes with it — its StartJob record, its dispatch
/// entry, its callback, the wake-up of other nodes — as data-modifying CTEs after
/// `WITH updated AS (UPDATE job … WHERE version = …)`, each guarded so nothing happens unless the job
/// update did. It runs in one round trip and commits atomically.
struct JobWrite {
    private var sql = ""
    private var job: (status: String, document: String, id: String, version: Int64)?
    private var binds: [any PostgresNonThrowingEncodable & Sendable] = []
    private var notifications: [String] = []

    /// A placeholder for `value`; the first four (`$1`–`$4`) are the job update's.
    mutating func bind(_ value: some PostgresNonThrowingEncodable & Sendable) -> String {
        binds.append(value)
        return "$\(binds.count + 4)"
    }

    mutating func add(_ text: String) { sql += text }

    /// Wakes the nodes listening on `channel` once the statement commits.
    mutating func notify(_ channel: String) {
        let name = "wake\(notifications.count)"
        sql += ", \(name) AS (SELECT pg_notify(\(bind(channel)), '') FROM updated)"
        notifications.append(name)
    }

    /// The values of the job update itself.
    mutating func setJob(status: String, document: String, id: String, version: Int64) {
        job = (status, document, id, version)
    }

    /// The statement, returning how many jobs it updated (0 or 1).
    var query: PostgresQuery {
        var bindings = PostgresBindings()
        if let job {
            bindings.append(job.status)
            bindings.append(job.document)
            bindings.append(job.id)
            bindings.append(job.version)
        }
        for value in binds { bindings.append(value) }
        let wakes = notifications.map { " + 0 * (SELECT count(*) FROM \($0))" }.joined()
        return PostgresQuery(unsafeSQL: sql + " SELECT (SELECT count(*) FROM updated)\(wakes)", binds: bindings)
    }
}
