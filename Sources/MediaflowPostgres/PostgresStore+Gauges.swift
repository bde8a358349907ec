import MediaflowStore
import PostgresNIO

extension PostgresStore {
    public func gauges() async throws -> StoreGauges {
        var gauges = StoreGauges()
        for (sql, gauge) in StoreGauges.queries {
            for row in try await query(PostgresQuery(unsafeSQL: sql)) {
                let (name, count) = try row.decode((String, Int).self)
                gauges.record(gauge, name: name, count: count)
            }
        }
        return gauges
    }
}
