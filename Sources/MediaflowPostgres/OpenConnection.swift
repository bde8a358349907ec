import Logging
import PostgresNIO

/// A connection leased from a pool, whose every statement is written on the connection's event loop right after
/// seeing there that the connection is still open: nothing can close it between that look and the write.
/// PostgresNIO (1.33) drops a statement written to a connection that has closed without failing it, and its
/// caller waits for good, cancelled or not: a statement issued just as the database went away once held a node's
/// shutdown so.
struct OpenConnection {
    let connection: PostgresConnection
    let logger: Logger

    /// Runs `query` and collects its rows.
    @discardableResult
    func query(_ query: PostgresQuery) async throws -> [PostgresRow] {
        let (connection, logger) = (connection, logger)
        return try await connection.eventLoop.flatSubmit {
            guard !connection.isClosed else { return connection.eventLoop.makeFailedFuture(ClosedConnectionError()) }
            return connection.query(query, logger: logger).map(\.rows)
        }.get()
    }

    /// Runs a statement prepared once per connection and collects its rows. (PostgresNIO runs prepared statements
    /// only from a task, which waits for the rows on the connection's event loop.)
    func execute<Statement: PostgresPreparedStatement>(_ statement: Statement) async throws -> [Statement.Row] {
        try await withTaskExecutorPreference(EventLoopExecutor.of(connection.eventLoop)) {
            if connection.isClosed { throw ClosedConnectionError() }
            var rows: [Statement.Row] = []
            for try await row in try await connection.execute(statement, logger: logger) { rows.append(row) }
            return rows
        }
    }

    /// The value the last row of `query` holds: the one row of a lookup by key, or nil when there is none.
    func value<T: PostgresDecodable>(of type: T.Type, _ query: PostgresQuery) async throws -> T? {
        try await self.query(query).last?.decode(T.self)
    }

    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws.
    func transaction<T: Sendable>(_ body: (OpenConnection) async throws -> T) async throws -> T {
        try await query("BEGIN")
        let value: T
        do {
            value = try await body(self)
        } catch {
            // A connection that cannot roll back is closed, which ends the transaction as well.
            _ = try? await query("ROLLBACK")
            throw error
        }
        try await query("COMMIT")
        return value
    }
}

/// A statement not sent because its connection had closed meanwhile.
struct ClosedConnectionError: Error {}

extension PostgresClient {
    /// Runs `body` with a connection of this pool.
    func withOpenConnection<T: Sendable>(logger: Logger, _ body: (OpenConnection) async throws -> T) async throws -> T {
        try await withConnection { try await body(OpenConnection(connection: $0, logger: logger)) }
    }
}

extension [PostgresRow] {
    /// Each row's column as `Column`.
    func decode<Column: PostgresDecodable>(_: Column.Type) throws -> [Column] {
        try map { try $0.decode(Column.self) }
    }

    /// Each row's columns as the tuple `(repeat each Column)`.
    func decode<each Column: PostgresDecodable>(_ columns: (repeat each Column).Type) throws -> [(repeat each Column)] {
        try map { try $0.decode(columns) }
    }
}
