import ArgumentParser
import Foundation
import MediaflowServer

struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure the platform.", subcommands: [Jobs.self, Workflows.self, Bus.self])

    struct Jobs: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "No-op jobs through the whole job protocol on SQLite: throughput and StartJob-to-callback latency.")

        @Option(help: "Jobs measured.") var jobs = 20_000
        @Option(help: "Jobs run first, unmeasured.") var warmup = 2_000
        @Option(help: "Jobs in flight at once.") var concurrency = 64
        @Option(help: "A PostgreSQL URL to run against instead of a fresh SQLite file.") var database: String?
        @Option(help: "Server nodes sharing the PostgreSQL database; jobs go to them in turn.") var nodes = 1
        @Option(help: "Finished jobs put in the store first, to see that a long history slows nothing down.")
        var history = 0

        func run() async throws {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mediaflow-bench-\(UUID())")
            defer { try? FileManager.default.removeItem(at: directory) }
            var benchmark = JobsBenchmark(
                jobs: jobs, warmup: warmup, concurrency: concurrency, dataDirectory: directory.path, database: database,
                nodes: nodes)
            benchmark.history = history
            let result = try await benchmark.run()
            let store = database == nil ? "SQLite (synchronous=FULL, group commit)" : "PostgreSQL, \(nodes) node(s)"
            let past = history > 0 ? ", after a history of \(history) finished jobs" : ""
            print(String(format: "%d jobs in %.2f s, %d in flight, %@%@", result.jobs, result.seconds, concurrency, store, past))
            print(String(format: "StartJob to callback: p50 %.2f ms, p99 %.2f ms", result.latency(0.5), result.latency(0.99)))
            print(
                String(
                    format: "CPU per job in this process (server, receiver, load generator): %.3f ms",
                    result.cpuSeconds * 1000 / Double(result.jobs)))
            print(
                String(
                    format: "For scale: GET /health over the same connections, %.0f requests/s (%.1f jobs per 1,000)",
                    result.healthRequestsPerSecond, result.jobsPerSecond / result.healthRequestsPerSecond * 1000))
            for (query, latencies) in result.listings {
                print(String(format: "GET %@: p50 %.2f ms, p99 %.2f ms", query,
                             JobsBenchmark.Result.quantile(0.5, of: latencies), JobsBenchmark.Result.quantile(0.99, of: latencies)))
            }
            print(String(format: "%.0f jobs/s", result.jobsPerSecond))
        }
    }

    struct Workflows: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Executions of a Pass/Choice/Map state machine (or, with --tasks, of Task states running no-op jobs), durably on SQLite: state transitions per second and latency.")

        @Option(help: "Executions measured (default 2000, or 500 with --tasks).") var executions: Int?
        @Option(help: "Executions in flight at once.") var concurrency = 32
        @Option(help: "Items the Map state iterates over (twice) in each execution.") var items = 10
        @Flag(help: "Run Task states that run no-op jobs through the job protocol, against a server in this process.")
        var tasks = false

        func run() async throws {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mediaflow-bench-\(UUID())")
            defer { try? FileManager.default.removeItem(at: directory) }
            let result =
                tasks
                ? try await WorkflowTasksBenchmark(executions: executions ?? 500, concurrency: concurrency, dataDirectory: directory.path).run()
                : try await WorkflowsBenchmark(
                    executions: executions ?? 2_000, concurrency: concurrency, items: items, dataDirectory: directory.path
                ).run()
            let machine = tasks ? "two no-op job tasks each" : "Pass/Choice/Map"
            print(String(format: "%d executions (%@), %d state transitions in %.2f s, %d in flight, SQLite (synchronous=FULL)",
                         result.executions, machine, result.transitions, result.seconds, concurrency))
            print(String(format: "execution latency: p50 %.2f ms, p99 %.2f ms", result.latency(0.5), result.latency(0.99)))
            print(String(format: "%.0f state transitions/s", result.transitionsPerSecond))
        }
    }

    struct Bus: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Round trips through the bus gateway to a WebSocket service, from WebSocket and HTTP callers.")

        @Option(help: "Round trips measured per kind of caller.") var calls = 50_000
        @Option(help: "Caller connections (HTTP callers use as many times --in-flight).") var connections = 4
        @Option(help: "Calls in flight on each connection.") var inFlight = 8

        func run() async throws {
            let results = try await BusBenchmark(calls: calls, connections: connections, inFlightPerConnection: inFlight).run()
            for result in results {
                print(String(format: "%@ callers: %.0f round trips/s, p50 %.2f ms, p99 %.2f ms (%d calls, %d in flight)",
                             result.transport, result.roundTripsPerSecond, result.latency(0.5), result.latency(0.99),
                             result.calls, connections * inFlight))
            }
        }
    }
}
