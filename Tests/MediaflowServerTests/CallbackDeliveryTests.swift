import Foundation
import MediaflowModel
import MediaflowServer
import MediaflowTesting
import Testing

/// Callbacks are delivered side by side: a caller that hangs holds up only its own callback.
@Suite struct CallbackDeliveryTests {
    @Test func aHangingCallerDoesNotHoldUpOtherCallbacks() async throws {
        let (blackHole, port) = try FreePort.blackHole()
        defer { close(blackHole) }
        try await withCallbackReceiver { receiver, callback in
            try await withServer { server in
                let hanging = AsyncEndpoint(success: "http://127.0.0.1:\(port)/ok", failure: "http://127.0.0.1:\(port)/ko")
                let stuck = try await server.client.create(Job(type: .ameJob, profile: "NoOp"))
                _ = try await server.client.start(jobURL: stuck.id!, asyncEndpoint: hanging)
                #expect(try await server.client.wait(for: stuck.id!).status == .completed)
                // Its callback is now being delivered, and hangs until the transport's 10 s timeout.
                let hangEnds = ContinuousClock.now + .seconds(10)

                let live = AsyncEndpoint(success: callback + "/success", failure: callback + "/failure")
                let job = try await server.client.create(Job(type: .ameJob, profile: "NoOp"))
                _ = try await server.client.start(jobURL: job.id!, asyncEndpoint: live)
                let arrived = try await withDeadline(hangEnds - .seconds(1) - .now) { await receiver.arrival(of: job.id!) }
                #expect(arrived, "the callback to a live caller waited for the hanging one")
            }
        }
    }
}

/// Runs `body`; false when it has not finished within `limit` (it is then cancelled).
func withDeadline(_ limit: Duration, _ body: @escaping @Sendable () async -> Void) async throws -> Bool {
    try await withThrowingTaskGroup(of: Bool.self) { group in
        group.addTask {
            await body()
            return true
        }
        group.addTask {
            try await Task.sleep(for: limit)
            return false
        }
        defer { group.cancelAll() }
        return try await group.next() ?? false
    }
}
