import Foundation
import Hummingbird
import Logging
import NIOCore
import MediaflowModel
import MediaflowPostgres
import MediaflowSQLite
import ServiceLifecycle
import Synchronization

/// `mediaflow bench jobs`: no-op jobs through the whole protocol against a server in this process on
/// SQLite or PostgreSQL — `POST /Job`, `POST /StartJob`, dispatch, `UpdateJob`, `StopJob`, and the success callback
/// to a receiver over HTTP — measuring throughput and the latency from `StartJob` to callback.
public struct JobsBenchmark: Sendable {
    public var jobs: Int
    public var warmup: Int
    public var concurrency: Int
    public var dataDirectory: String
    /// A PostgreSQL URL, or nil for SQLite in `dataDirectory`.
    public var database: String?
    /// Server nodes sharing the database (PostgreSQL only when more than one); jobs go to them in turn.
    public var nodes: Int
    /// Finished jobs (with their StartJob records and delivered callbacks) put in the store before the run:
    /// a long history, which should slow nothing down.
    public var history = 0
    /// `GET /health` requests in each of the two measures of the machine.
    public var healthRequests = 20_000
    /// Requests of each kind of `GET /Job` listing measured after the jobs.
    public var listingRequests = 1_000

    public init(jobs: Int, warmup: Int, concurrency: Int, dataDirectory: String, database: String? = nil, nodes: Int = 1) {
        self.jobs = jobs
        self.warmup = warmup
        self.concurrency = concurrency
        self.dataDirectory = dataDirectory
        self.database = database
        self.nodes = nodes
    }

    /// What one run measured.
    public struct Result: Sendable {
        public var jobs: Int
        public var seconds: Double
        public var latencies: [Double]
        /// `GET /health` requests per second over the same connections, the mean of one measure before the
        /// jobs and one after: how fast the machine serves a route that does next to nothing, so that runs on
        /// different machines can be compared.
        public var healthRequestsPerSecond = 0.0
        /// CPU time (user and system) this process spent on the measured jobs, in seconds: server, callback
        /// receiver and load generator, not a separate database server.
        public var cpuSeconds = 0.0
        /// The latencies of `GET /Job` listings after the jobs, in seconds, by query.
        public var listings: [(query: String, latencies: [Double])] = []

        public var jobsPerSecond: Double { Double(jobs) / seconds }

        /// The latency at quantile `q` (0...1), in milliseconds.
        public func latency(_ q: Double) -> Double { Self.quantile(q, of: latencies) }

        /// The quantile `q` (0...1) of `latencies` (seconds), in milliseconds.
        public static func quantile(_ q: Double, of latencies: [Double]) -> Double {
            let sorted = latencies.sorted()
            return sorted[min(sorted.count - 1, Int(Double(sorted.count) * q))] * 1000
        }
    }

    /// The listings measured: the newest jobs, and the newest of a status that most of a history has and of
    /// one that none of it has.
    static let listingQueries = ["/Job?limit=50", "/Job?status=COMPLETED&limit=50", "/Job?status=FAILED&limit=50"]

    /// Starts the server and the callback receiver, runs the warm-up and the measured jobs, and stops them.
    public func run() async throws -> Result {
        let logger = Logger.server(label: "bench", level: .warning)
        guard nodes == 1 || database != nil else { throw ConfigurationError("Several nodes need a PostgreSQL database") }
        var services: [any Service] = []
        var servers: [ServerConfiguration] = []
        if history > 0 { try await addHistory(logger: logger) }
        for node in 0..<nodes {
            var configuration = ServerConfiguration()
            configuration.port = try FreePort.pick()
            configuration.dataDirectory = dataDirectory + "/node\(node)"
            configuration.database = database
            services.append(try await buildApplication(configuration, logger: logger))
            servers.append(configuration)
        }
        return try await whileServing(services, logger: logger) { [servers] in
            for server in servers { try await Self.waitUntilHealthy(MediaflowClient(baseURL: server.baseURL)) }
            let board = ArrivalBoard()
            let receiverPort = try FreePort.pick()
            let receiver = try await LeanReceiver.listen(port: receiverPort, board: board)
            defer { receiver.close(promise: nil) }
            return try await LoadWorker.withWorkers(concurrency, servers: servers.map(\.baseURL)) { workers in
                let caller = NoOpJobCaller(nodes: nodes, receiverURL: "http://127.0.0.1:\(receiverPort)", board: board)
                _ = try await drive(count: warmup, workers: workers, caller: caller)
                let before = try await healthRequestsPerSecond(workers: workers)
                let cpuBefore = processCPUSeconds()
                var result = try await drive(count: jobs, workers: workers, caller: caller)
                result.cpuSeconds = processCPUSeconds() - cpuBefore
                result.healthRequestsPerSecond = (before + (try await healthRequestsPerSecond(workers: workers))) / 2
                for query in Self.listingQueries {
                    result.listings.append((query, try await listingLatencies(query, workers: workers)))
                }
                return result
            }
        }
    }

    private func drive(count: Int, workers: [NIOLoopBound<LoadWorker>], caller: NoOpJobCaller) async throws -> Result {
        let (latencies, seconds) = try await LoadWorker.closedLoop(workers, count: count) { worker, index, report in
            caller.run(on: worker, index: index, report: report)
        }
        return Result(jobs: count, seconds: seconds, latencies: latencies)
    }

    /// `GET /health` requests per second over the workers' connections.
    private func healthRequestsPerSecond(workers: [NIOLoopBound<LoadWorker>]) async throws -> Double {
        let (_, seconds) = try await timedGets("/health", count: healthRequests, workers: workers)
        return Double(healthRequests) / seconds
    }

    /// Latencies of `GET query`, 8 at a time over the workers' connections.
    private func listingLatencies(_ query: String, workers: [NIOLoopBound<LoadWorker>]) async throws -> [Double] {
        try await timedGets(query, count: listingRequests, workers: Array(workers.prefix(8))).latencies
    }

    /// `count` requests `GET target`, each to be answered 200, sent to the servers in turn.
    private func timedGets(
        _ target: String, count: Int, workers: [NIOLoopBound<LoadWorker>]
    ) async throws -> (latencies: [Double], seconds: Double) {
        let nodes = nodes
        return try await LoadWorker.closedLoop(workers, count: count) { worker, index, report in
            let started = ContinuousClock.now
            worker.send("GET", target, toServer: index % nodes, expecting: 200) { answer in
                report(answer.map { _ in (ContinuousClock.now - started).seconds })
            }
        }
    }

    /// Puts `history` finished jobs in the store the first node will open.
    private func addHistory(logger: Logger) async throws {
        if let database {
            let store = try PostgresStore(url: database, logger: logger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await store.run() }
                defer { group.cancelAll() }
                try await store.addFinishedHistory(jobs: history, now: Date())
            }
        } else {
            var configuration = ServerConfiguration()
            configuration.dataDirectory = dataDirectory + "/node0"
            try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true)
            try await SQLiteStore(path: configuration.databasePath).addFinishedHistory(jobs: history, now: Date())
        }
    }

    static func waitUntilHealthy(_ client: MediaflowClient) async throws {
        for _ in 0..<200 {
            if (try? await client.transport.send(.GET, "\(client.baseURL)/health"))?.status == 200 { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw ConfigurationError("The benchmark server did not start")
    }
}

/// The CPU time, user and system, this process has used so far, in seconds.
func processCPUSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

/// Runs `operation(worker, index)` for each index in `0..<count` on `concurrency` workers, each taking
/// the next index when it is done with one; returns what each operation measured (seconds) and the
/// whole run's seconds.
func closedLoop(
    count: Int, concurrency: Int, _ operation: @escaping @Sendable (_ worker: Int, _ index: Int) async throws -> Double
) async throws -> (latencies: [Double], seconds: Double) {
    let next = Ticket()
    let start = ContinuousClock.now
    let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
        for worker in 0..<concurrency {
            group.addTask {
                var mine: [Double] = []
                while case let index = next.take(), index < count { mine.append(try await operation(worker, index)) }
                return mine
            }
        }
        return try await group.reduce(into: [Double]()) { $0 += $1 }
    }
    return (latencies, (ContinuousClock.now - start).seconds)
}

/// Hands out 0, 1, 2, … to concurrent workers.
final class Ticket: Sendable {
    private let counter = Atomic<Int>(0)

    func take() -> Int { counter.add(1, ordering: .relaxed).oldValue }
}
