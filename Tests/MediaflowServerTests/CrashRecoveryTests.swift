import Foundation
import MediaflowModel
import MediaflowServer
import MediaflowTesting
import Testing

/// `kill -9` of a real server process at awkward moments loses nothing: a running job is taken up again
/// after restart, and a callback that could not be delivered yet is delivered by the restarted server. A
/// graceful stop (SIGTERM) loses nothing either: it does not cancel the jobs that were running.
@Suite(.serialized) struct CrashRecoveryTests {
    @Test(arguments: [true, false]) func aJobRunningWhenTheServerStopsCompletesAfterRestart(killed: Bool) async throws {
        let folder = MediaFixtures.temporaryDirectory()
        let clip = try await MediaFixtures.clip(in: folder)
        let port = try FreePort.pick()
        let arguments = ["--data-dir", folder.appendingPathComponent("data").path, "--lease-seconds", "2"]
        let log = folder.appendingPathComponent("server.log")
        try await withSlowMediaServer(serving: clip) { media in
            try await withCallbackReceiver { receiver, callback in
                let first = try ServerProcess(port: port, arguments: arguments, log: log)
                try await waitForHealth(first.baseURL)
                let client = MediaflowClient(baseURL: first.baseURL)
                let job = try await client.create(
                    Job(type: .ameJob, profile: "ExtractTechnicalMetadata",
                        relatedResource: RelatedResource(locator: "\(media)/media/3/clip.mp4")))
                _ = try await client.start(
                    jobURL: job.id!, asyncEndpoint: AsyncEndpoint(success: callback + "/success", failure: callback + "/failure"))
                try await eventually("the job runs") { try await client.job(job.id!).status == .running }
                if killed { await first.crash() } else { #expect(await first.stop(), "a graceful stop") }

                let second = try ServerProcess(port: port, arguments: arguments, log: log)
                try await stoppedAfter([second]) {
                    try await waitForHealth(second.baseURL)
                    let done = try await client.wait(for: job.id!)
                    #expect(done.status == .completed)
                    #expect(done.jobOutput?["technicalMetadata"]?["container"] == "MPEG-4")
                    await receiver.arrival(of: job.id!)
                    #expect(receiver.delivered(job.id!)?.status == .completed)
                    #expect(receiver.deliveries.filter { $0.job == job.id! }.count == 1)
                }
            }
        }
    }

    @Test func anUndeliveredCallbackIsDeliveredAfterRestart() async throws {
        let folder = MediaFixtures.temporaryDirectory()
        let port = try FreePort.pick()
        let arguments = ["--data-dir", folder.appendingPathComponent("data").path]
        let log = folder.appendingPathComponent("server.log")
        try await withCallbackReceiver { receiver, callback in
            receiver.setRefusing(true)
            let first = try ServerProcess(port: port, arguments: arguments, log: log)
            try await waitForHealth(first.baseURL)
            let client = MediaflowClient(baseURL: first.baseURL)
            var jobs: [String] = []
            for _ in 0..<20 {
                let job = try await client.create(Job(type: .ameJob, profile: "NoOp"))
                _ = try await client.start(
                    jobURL: job.id!, asyncEndpoint: AsyncEndpoint(success: callback + "/success", failure: callback + "/failure"))
                jobs.append(job.id!)
            }
            for job in jobs { #expect(try await client.wait(for: job).status == .completed) }
            await first.crash()
            #expect(receiver.deliveries.isEmpty)

            receiver.setRefusing(false)
            let second = try ServerProcess(port: port, arguments: arguments, log: log)
            try await stoppedAfter([second]) {
                try await waitForHealth(second.baseURL)
                for job in jobs { await receiver.arrival(of: job) }
                let deliveries = receiver.deliveries
                #expect(Set(deliveries.map(\.job)) == Set(jobs))
                #expect(deliveries.allSatisfy { $0.idempotencyKey?.isEmpty == false })
            }
        }
    }
}
