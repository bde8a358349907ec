import Foundation
import MediaflowModel
import MediaflowStore
import Synchronization
import Testing

/// Other nodes are woken for a queued job only when its node did not claim it as it queued it (having no
/// room for it), and never for a job's callback, which the node that ended the job delivers: each `NOTIFY`
/// serializes commits.
@Suite struct PostgresWakeupTests {
    @Test func otherNodesAreWokenOnlyForUnclaimedJobs() async throws {
        try await Driver.postgres.withWriters { writer, listener in
            let announcer = try #require(listener as? any WorkAnnouncer)
            let heard = Mutex<(dispatch: Int, outbox: Int)>((0, 0))
            let listening = Task {
                await announcer.listen(
                    onDispatch: { heard.withLock { $0.dispatch += 1 } }, onOutbox: { heard.withLock { $0.outbox += 1 } },
                    onWorkflow: {})
            }
            defer { listening.cancel() }

            // LISTEN has taken hold once an unclaimed job is heard of. (Its migration check may queue behind
            // other tests' migrations, busy on the same two cores: it is given 20 s.)
            var pings = 0
            while heard.withLock({ $0.dispatch }) == 0 {
                pings += 1
                try #require(pings <= 200, "no NOTIFY arrived")
                let ping = makeJob()
                try await writer.insertJob(ping)
                try await start(ping, in: writer)
                try await Task.sleep(for: .milliseconds(100))
            }
            try await Task.sleep(for: .milliseconds(300))
            let before = heard.withLock { $0 }

            let quiet = makeJob()
            try await writer.insertJob(quiet)
            try await start(
                quiet, in: writer, endpoint: AsyncEndpoint(success: "http://caller/ok"), claimedBy: Lease(owner: "this node", until: now.addingTimeInterval(30)))
            let stop = JobReport.stop(job: quiet.id!, processJob: nil, status: .completed, output: [:])
            _ = try await writer.applyEvent(.reported(stop), toJob: id(quiet), lease: nil, now: now)
            #expect(try await writer.outboxMessages(state: .pending, after: nil, limit: 10).count == 1)
            let unclaimed = makeJob()
            try await writer.insertJob(unclaimed)
            try await start(unclaimed, in: writer)

            for _ in 0..<50 where heard.withLock({ $0.dispatch }) == before.dispatch {
                try await Task.sleep(for: .milliseconds(100))
            }
            try await Task.sleep(for: .milliseconds(300))
            let after = heard.withLock { $0 }
            #expect(after.dispatch == before.dispatch + 1)
            #expect(after.outbox == before.outbox)
        }
    }
}
