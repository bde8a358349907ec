import Foundation
import MediaflowServer
import MediaflowTesting
import Testing

/// `mediaflow bench jobs` runs: a small run on each store, after a short history, measures every job it sends
/// and the listings. (What it measures is read from release builds by hand, never asserted here.)
@Suite struct JobsBenchmarkTests {
    @Test(arguments: [false, true]) func everyJobIsMeasuredFromStartToCallback(onPostgres: Bool) async throws {
        let run = { (database: String?) in
            var benchmark = JobsBenchmark(
                jobs: 60, warmup: 6, concurrency: 4, dataDirectory: MediaFixtures.temporaryDirectory().path,
                database: database, nodes: database == nil ? 1 : 2)
            benchmark.healthRequests = 200
            benchmark.listingRequests = 20
            benchmark.history = 500
            return try await benchmark.run()
        }
        let result = onPostgres ? try await TestDatabase.withFreshSchema(prefix: "bench", run) : try await run(nil)
        #expect(result.jobs == 60)
        #expect(result.latencies.count == 60)
        #expect(result.latencies.allSatisfy { $0 > 0 })
        #expect(result.latency(0.5) <= result.latency(0.99))
        #expect(result.cpuSeconds > 0)
        #expect(result.healthRequestsPerSecond > 0)
        #expect(result.listings.map(\.query) == ["/Job?limit=50", "/Job?status=COMPLETED&limit=50", "/Job?status=FAILED&limit=50"])
        #expect(result.listings.allSatisfy { $0.latencies.count == 20 })
    }
}
