import Foundation
import MediaflowModel
import MediaflowStore
import Testing

/// The outbox on every driver: callbacks claimed, retried, dead, shown and delivered again, and kept beyond
/// their job.
@Suite struct OutboxConformanceTests {
    @Test(arguments: Driver.allCases) func aCallbackOutlivesItsDeletedJob(driver: Driver) async throws {
        try await driver.withStore { store in
            let endpoint = AsyncEndpoint(success: "http://caller/ok", failure: "http://caller/ko")
            var ended: [String: Job] = [:]
            for status in [JobStatus.completed, .failed] {
                let job = makeJob()
                try await store.insertJob(job)
                try await start(job, in: store, endpoint: endpoint)
                let stop = JobReport.stop(job: job.id!, processJob: nil, status: status)
                ended[id(job)] = try await store.applyEvent(.reported(stop), toJob: id(job), lease: nil, now: now).job
            }
            let lease = Lease(owner: "node", until: now.addingTimeInterval(30))
            let messages = try await store.claimOutbox(limit: 10, lease: lease, now: now)
            let dead = try #require(messages.first { $0.target == "http://caller/ko" })
            try await store.markFailed(id: dead.id, attempts: 1, nextAttemptAt: now, error: "410", dead: true)
            try await store.releaseAllLeases()
            let completed = try #require(ended.values.first { $0.status == .completed })
            try await store.deleteJob(id: ResourceLink(parsing: completed.id!, collection: "Job")!.id)
            #expect(try await store.purge(createdBefore: now.addingTimeInterval(1)) == 1)
            #expect(try await store.job(id: ResourceLink(parsing: completed.id!, collection: "Job")!.id) == nil)

            let pending = try await store.claimOutbox(limit: 10, lease: lease, now: now.addingTimeInterval(60))
            #expect(try pending.map { try ProtocolJSON.decode(Job.self, from: $0.body) } == [completed])
            let deadLetters = try await store.outboxMessages(state: .dead, after: nil, limit: 10)
            #expect(try deadLetters.map { try ProtocolJSON.decode(Job.self, from: $0.body).status } == [.failed])
        }
    }

    @Test(arguments: Driver.allCases) func aCallbackWrittenUnderAClaimIsNobodyElsesUntilTheClaimEnds(driver: Driver) async throws {
        try await driver.withStore { store in
            let job = makeJob()
            try await store.insertJob(job)
            try await start(job, in: store, endpoint: AsyncEndpoint(success: "http://caller/ok", failure: "http://caller/ko"))
            let claim = Lease(owner: "writer", until: now.addingTimeInterval(30))
            let stop = JobReport.stop(job: job.id!, processJob: nil, status: .failed, message: "broken")
            let (transition, callback) = try await store.applyEvent(
                .reported(stop), toJob: id(job), lease: nil, callbackClaim: claim, now: now)
            #expect(transition.job.status == .failed)
            #expect(callback?.target == "http://caller/ko")
            #expect(try callback.map { try ProtocolJSON.decode(Job.self, from: $0.body) }?.status == .failed)
            let other = Lease(owner: "other", until: now.addingTimeInterval(60))
            #expect(try await store.claimOutbox(limit: 10, lease: other, now: now).isEmpty)
            let afterClaim = try await store.claimOutbox(limit: 10, lease: other, now: now.addingTimeInterval(31))
            #expect(afterClaim.map(\.id) == [callback?.id])
            #expect(afterClaim.first?.body == callback?.body)
        }
    }

    @Test(arguments: Driver.allCases) func failedDeliveriesAreRetriedThenDead(driver: Driver) async throws {
        try await driver.withStore { store in
            let message = OutboxMessage(target: "http://caller", body: Data("{}".utf8), nextAttemptAt: now, createdAt: now)
            try await store.settle(
                JobTransition(job: makeJob(), changed: true, leavesQueue: false, notify: nil, cancelProcessJob: nil),
                jobID: "none", lease: nil, notification: message)
            let lease = Lease(owner: "node", until: now.addingTimeInterval(30))
            #expect(try await store.claimOutbox(limit: 10, lease: lease, now: now).map(\.id) == [message.id])
            try await store.markFailed(id: message.id, attempts: 1, nextAttemptAt: now.addingTimeInterval(2), error: "503", dead: false)
            #expect(try await store.claimOutbox(limit: 10, lease: lease, now: now.addingTimeInterval(1)).isEmpty)
            let retry = try await store.claimOutbox(limit: 10, lease: lease, now: now.addingTimeInterval(2))
            #expect(retry.first?.attempts == 1)
            #expect(retry.first?.lastError == "503")
            try await store.markFailed(id: message.id, attempts: 2, nextAttemptAt: now, error: "503", dead: true)
            #expect(try await store.outboxMessages(state: .dead, after: nil, limit: 10).map(\.id) == [message.id])
            #expect(try await store.claimOutbox(limit: 10, lease: lease, now: now.addingTimeInterval(99)).isEmpty)
        }
    }

    @Test(arguments: Driver.allCases) func deadLettersArePagedAndDeliveredAgainOnRequest(driver: Driver) async throws {
        try await driver.withStore { store in
            let messages = (0..<3).map { index in
                OutboxMessage(target: "http://caller/\(index)", body: Data("{}".utf8), nextAttemptAt: now, createdAt: now)
            }
            for message in messages {
                try await store.settle(
                    JobTransition(job: makeJob(), changed: true, leavesQueue: false, notify: nil, cancelProcessJob: nil),
                    jobID: "none", lease: nil, notification: message)
            }
            let lease = Lease(owner: "node", until: now.addingTimeInterval(30))
            #expect(try await store.claimOutbox(limit: 10, lease: lease, now: now).count == 3)
            for message in [messages[0], messages[2]] {
                try await store.markFailed(id: message.id, attempts: 12, nextAttemptAt: now, error: "410 Gone", dead: true)
            }
            try await store.markDelivered(ids: [messages[1].id])

            let first = try await store.outboxMessages(state: .dead, after: nil, limit: 1)
            #expect(first.map(\.id) == [messages[0].id])
            #expect(try await store.outboxMessages(state: .dead, after: messages[0].id, limit: 5).map(\.id) == [messages[2].id])
            #expect(try await store.outboxMessages(state: .dead, after: messages[2].id, limit: 5).isEmpty)
            #expect(try await store.outboxMessages(state: .dead, after: "no-such-message", limit: 5).isEmpty)
            let stored = try #require(try await store.outboxMessage(id: messages[2].id))
            #expect(stored.state == .dead && stored.attempts == 12 && stored.lastError == "410 Gone")
            #expect(stored.target == "http://caller/2" && stored.body == Data("{}".utf8))
            #expect(try await store.outboxMessage(id: "no-such-message") == nil)

            let due = now.addingTimeInterval(60)
            let again = try #require(try await store.redeliver(id: messages[2].id, now: due))
            #expect(again.state == .pending && again.attempts == 0 && again.lastError == "410 Gone")
            #expect(again.nextAttemptAt == due)
            #expect(try await store.claimOutbox(limit: 10, lease: lease, now: due.addingTimeInterval(-1)).isEmpty)
            #expect(try await store.claimOutbox(limit: 10, lease: lease, now: due).map(\.id) == [messages[2].id])
            #expect(try await store.outboxMessages(state: .dead, after: nil, limit: 5).map(\.id) == [messages[0].id])

            for id in [messages[1].id, messages[2].id] {
                await #expect(throws: StoreError.self) { try await store.redeliver(id: id, now: due) }
            }
            let refusal = await #expect(throws: StoreError.self) { try await store.redeliver(id: messages[1].id, now: due) }
            #expect(refusal?.isConflict == true)
            #expect(refusal?.message.contains("was delivered") == true)
            #expect(try await store.redeliver(id: "no-such-message", now: due) == nil)
        }
    }

    @Test(arguments: Driver.allCases) func releasingAllLeasesFreesClaimedOutboxMessages(driver: Driver) async throws {
        try await driver.withStore { store in
            let message = OutboxMessage(target: "http://caller", body: Data("{}".utf8), nextAttemptAt: now, createdAt: now)
            try await store.settle(
                JobTransition(job: makeJob(), changed: true, leavesQueue: false, notify: nil, cancelProcessJob: nil),
                jobID: "none", lease: nil, notification: message)
            let lease = Lease(owner: "dead-node", until: now.addingTimeInterval(300))
            #expect(try await store.claimOutbox(limit: 10, lease: lease, now: now).count == 1)
            #expect(try await store.claimOutbox(limit: 10, lease: lease, now: now).isEmpty)
            try await store.releaseAllLeases()
            #expect(try await store.claimOutbox(limit: 10, lease: lease, now: now).count == 1)
        }
    }
}
