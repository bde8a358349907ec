import GRDB
import MediaflowStore

extension SQLiteStore {
    public func gauges() async throws -> StoreGauges {
        try await read { db in
            var gauges = StoreGauges()
            for (sql, gauge) in StoreGauges.queries {
                for row in try Row.fetchAll(db, sql: sql) { gauges.record(gauge, name: row[0], count: row[1]) }
            }
            return gauges
        }
    }
}
