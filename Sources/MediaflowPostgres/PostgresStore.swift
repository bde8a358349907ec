import Foundation
import Logging
import MediaflowModel
import MediaflowStore
import NIOPosix
import PostgresNIO
import ServiceLifecycle
import _ConnectionPoolModule
import Synchronization

/// The scale-out store: one PostgreSQL database shared by every node. Work is claimed with
/// `FOR UPDATE SKIP LOCKED`, jobs are changed under row locks (the changes of concurrent callers
/// in one statement per kind, see `StatementBatcher`), and new work is announced with
/// `NOTIFY` so idle nodes wake at once. Run it (`run()`) for as long as it is used.
public final class PostgresStore: JobStore, ReachabilityReporting, Service {
    let client: PostgresClient
    /// The connections the batched job writes go over (see `batchedWrites`).
    let batchClient: PostgresClient
    /// One connection's configuration, to see that the database can be reached before the pool is used.
    let probe: PostgresConnection.Configuration
    let schema: String?
    let logger: Logger
    /// The jobs this node wrote lately: a job update starts from them and checks the row version.
    let snapshots = JobSnapshots()
    /// The job writes of concurrent callers, of every kind, batched into one statement.
    let jobWrites: StatementBatcher<HotQuery.JobWrite>
    /// Whether the database can be reached, probed once a connection is lost.
    let reachability = DatabaseReachability()
    /// Bringing the schema up to date, once per process; every statement waits for it. (A statement
    /// prepared before its tables exist stays failed on that connection for good.)
    private let schemaUpdate = Mutex<Task<Void, any Error>?>(nil)
    /// `run()` beginning, which the migration waits for (PostgresNIO warns of a connection leased before its
    /// client runs).
    private let running = OneTimeEvent()

    /// A store for `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?schema=NAME]`.
    /// - Throws: `StoreError.unavailable` for a URL that is not one.
    public init(url: String, logger: Logger) throws {
        guard let components = URLComponents(string: url), ["postgres", "postgresql"].contains(components.scheme),
            let host = components.host, let user = components.user, !components.path.dropFirst().isEmpty
        else {
            throw StoreError.unavailable("The database URL must look like postgres://USER:PASSWORD@HOST:PORT/DATABASE")
        }
        let schema = components.queryItems?.first { $0.name == "schema" }?.value
        if let schema, schema.isEmpty || !schema.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) {
            throw StoreError.unavailable("schema must be letters, digits and underscores")
        }
        let (port, database) = (components.port ?? 5432, String(components.path.dropFirst()))
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: user, password: components.password, database: database, tls: .disable)
        configuration.options.maximumConnections = 16
        let searchPath = schema.map { [("search_path", $0)] } ?? []
        var batchConfiguration = configuration
        // Every other statement is planned for its values, so what runs is what the `EXPLAIN` checks see. After a
        // prepared statement's fifth run PostgreSQL may settle on a generic plan, depending on the values of
        // those five: a listing by a status no job has then scans the whole table.
        configuration.options.additionalStartupParameters = [("plan_cache_mode", "force_custom_plan")] + searchPath
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        batchConfiguration.options.maximumConnections = 4
        // The connection every batch goes over stays open: a connection the pool may close when idle arms a timer
        // (a task that sleeps, cancelled at the next lease) every time it is released, that is, after every batch.
        batchConfiguration.options.minimumConnections = 1
        batchConfiguration.options.additionalStartupParameters = Self.batchedWrites + searchPath
        let batchLoop = Self.batchEventLoops.next()
        let batchClient = PostgresClient(configuration: batchConfiguration, eventLoopGroup: batchLoop, backgroundLogger: logger)
        self.batchClient = batchClient
        var probe = PostgresConnection.Configuration(
            host: host, port: port, username: user, password: components.password, database: database, tls: .disable)
        probe.options.connectTimeout = .seconds(5)
        self.probe = probe
        self.schema = schema
        self.logger = logger
        jobWrites = StatementBatcher(
            executor: EventLoopExecutor.of(batchLoop), retriesAlone: { !Self.isLostConnection($0) }, id: \.id
        ) { [reachability] writes in
            reachability.sent()
            defer { reachability.answered() }
            return try await Self.written(HotQuery.WriteJobs(writes: writes), batchClient, logger)
        }
    }

    /// Runs the connection pool until cancelled or the graceful shutdown reaches it. The store is the
    /// first service a server starts, so it is the last told to shut down: every other service has
    /// stopped querying by then. (Stopped by cancellation alongside the others, a query still waiting
    /// for a connection could wait for good.)
    public func run() async throws {
        // What waits for the pool goes on now: the client marks itself running as it is called, long before
        // a waiting statement can reach it.
        running.happen()
        await withDiscardingTaskGroup { group in
            group.addTask { await self.batchClient.run() }
            group.addTask { await self.reachability.watch(logger: self.logger) { await self.unreachableReason() } }
            group.addTask { await self.reachability.watchForSilence() }
            await client.run()
            group.cancelAll()
        }
    }

    /// The settings of the connections the batched job writes go over. That statement reaches a handful of rows
    /// by key, whatever the batch, so it is planned once per connection, not at every run (planning was a third
    /// of its database time), and the plan may only use the keys' indexes: a generic plan made while a table
    /// was nearly empty could otherwise scan it for good.
    static let batchedWrites = [
        ("plan_cache_mode", "force_generic_plan"), ("enable_seqscan", "off"), ("enable_hashjoin", "off"),
        ("enable_mergejoin", "off"),
    ]

    /// The threads the batched job writes' connections are read and written on: one per store, in turn (the
    /// benchmark runs several nodes in one process). On the event loops that serve HTTP, a batch's answer
    /// waited behind requests while every job it carries waited for it: batches took a tenth longer, and jobs
    /// on PostgreSQL throughput as much; with two nodes on one such thread, each node's batches waited on the
    /// other's.
    private static let batchEventLoops = MultiThreadedEventLoopGroup(numberOfThreads: 2)

    /// Returns once `run()` has begun.
    func untilRunning() async { await running.awaited() }

    /// Why this node cannot reach its database, or nil when it can, as far as it knows: its statements fail at
    /// once while it cannot.
    public var outage: String? { reachability.outage }

    /// Throws at once while the database cannot be reached, then brings the schema up to date: what every
    /// statement does first.
    func ready() async throws {
        if let outage = reachability.outage { throw StoreError.unavailable(outage) }
        try await migrate()
    }

    /// Brings the database schema up to date (see `PostgresMigrations`), once for this store: safe to call
    /// from any number of places and nodes at once. A failed attempt is tried again at the next call.
    public func migrate() async throws {
        let update = schemaUpdate.withLock { update in
            if let update { return update }
            let started = Task {
                await self.untilRunning()
                try await self.applyMigrations()
            }
            update = started
            return started
        }
        do {
            try await update.value
        } catch {
            schemaUpdate.withLock { if $0 == update { $0 = nil } }
            throw error
        }
    }

    /// Runs `body` in a transaction, translating database errors into `StoreError`.
    func transaction<T: Sendable>(_ body: (OpenConnection) async throws -> T) async throws -> T {
        try await ready()
        return try await transactionBeforeMigration(body)
    }

    /// `transaction` for the migration itself.
    func transactionBeforeMigration<T: Sendable>(_ body: (OpenConnection) async throws -> T) async throws -> T {
        try await translatingErrors { try await client.withOpenConnection(logger: logger) { try await $0.transaction(body) } }
    }

    /// Runs one statement outside a transaction and collects its rows, translating database errors.
    @discardableResult
    func query(_ query: PostgresQuery) async throws -> [PostgresRow] {
        try await ready()
        return try await translatingErrors { try await client.withOpenConnection(logger: logger) { try await $0.query(query) } }
    }

    /// Runs a statement prepared once per connection and collects its rows, translating database errors.
    func execute<Statement: PostgresPreparedStatement>(_ statement: Statement) async throws -> [Statement.Row]
    where Statement.Row: Sendable {
        try await ready()
        return try await translatingErrors {
            try await client.withOpenConnection(logger: logger) { try await $0.execute(statement) }
        }
    }

    /// Runs `statements`, counted by the reachability watch, and translates the database errors they throw.
    private func translatingErrors<T>(_ statements: () async throws -> T) async throws -> T {
        reachability.sent()
        defer { reachability.answered() }
        do {
            return try await statements()
        } catch where Self.isDatabaseError(error) {
            throw failed(error)
        }
    }

    /// Writes `jobWrite` with the next batch of job writes; true when it was written.
    func write(_ jobWrite: HotQuery.JobWrite) async throws -> Bool {
        try await ready()
        do {
            return try await jobWrites.submit(jobWrite)
        } catch let error as PSQLError where Self.isUniqueViolation(error) {
            throw StoreError.conflict(Self.describe(error))
        } catch where Self.isDatabaseError(error) {
            throw failed(error)
        }
    }

    /// Runs a batch of job writes; the ids of the jobs written.
    private static func written<Statement: PostgresPreparedStatement>(
        _ statement: Statement, _ client: PostgresClient, _ logger: Logger
    ) async throws -> Set<String> where Statement.Row == String {
        Set(try await client.withOpenConnection(logger: logger) { try await $0.execute(statement) })
    }

    /// A database error as the store reports it. A lost connection sets the reachability watch probing.
    func failed(_ error: any Error) -> StoreError {
        guard Self.isLostConnection(error) else { return StoreError.unavailable("PostgreSQL failed: \(Self.describe(error))") }
        reachability.suspect()
        return StoreError.unavailable(reachability.outage ?? "Lost the connection to \(databasePlace)")
    }

    /// Whether `error` comes from the database or the pool of connections to it.
    static func isDatabaseError(_ error: any Error) -> Bool {
        error is PSQLError || error is ConnectionPoolError || error is ClosedConnectionError
    }

    /// The server's own message, without the query text or bound values.
    static func describe(_ error: any Error) -> String {
        if let error = error as? PSQLError, let message = error.serverInfo?[.message] {
            return message
        }
        if error is ConnectionPoolError { return "no connection could be made" }
        return "\(String(describing: type(of: error)))"
    }

    static func isUniqueViolation(_ error: any Error) -> Bool {
        (error as? PSQLError)?.serverInfo?[.sqlState] == "23505"
    }
}

