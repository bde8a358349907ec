import Foundation
import Logging
import MediaflowStates
import MediaflowStore
import ServiceLifecycle

/// The workflow engine's background work: fires due timers and hands scheduled tasks to their
/// resources. Both come from the store, so nothing is lost across a restart; tasks are claimed under
/// a lease, so on a shared database each is handed over by one node, and again by another only if
/// that node dies (when the lease runs out) or shuts down first (at once: it ends the leases of the tasks
/// it stopped).
struct WorkflowRunner: Service {
    let engine: WorkflowEngine
    let tasks: TaskResourceRunner
    /// This node, as the owner of the task leases it takes.
    let node: String
    let lease: Duration
    /// On a store only this process uses, the tasks a previous run left leased are taken at once.
    let takesOverAtStart: Bool
    let logger: Logger
    /// The longest a due timer waits to be noticed.
    var pollInterval = Duration.milliseconds(200)

    func run() async throws {
        await cancelWhenGracefulShutdown { await runUntilCancelled() }
        await giveBack(tasks.interruptedByShutdown)
    }

    /// Ends the leases of the tasks the shutdown stopped, so that another node sharing the store hands them
    /// over at its next claim instead of when the leases run out.
    private func giveBack(_ tokens: [String]) async {
        guard !tokens.isEmpty else { return }
        do {
            try await engine.store.setTaskLeases(tokens: tokens, until: Date(timeIntervalSince1970: 0))
        } catch {
            logger.warning("workflow runner: \(tokens.count) stopped task(s) wait for their leases to run out: \(error)")
        }
    }

    private func runUntilCancelled() async {
        var firstClaim = takesOverAtStart
        var lastRenewal = Date()
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled {
                do {
                    try await fireTimers()
                    let now = Date()
                    if now.timeIntervalSince(lastRenewal) > lease.seconds / 3 {
                        try await engine.store.setTaskLeases(tokens: tasks.handingOver, until: now + lease)
                        lastRenewal = now
                    }
                    let claimed = try await engine.store.claimPendingTasks(
                        lease: Lease(owner: node, until: now + lease),
                        now: firstClaim ? .distantFuture : now, limit: 500)
                    firstClaim = false
                    for task in claimed where tasks.claim(task.token) {
                        group.addTask { await tasks.perform(task) }
                    }
                    for task in engine.takeAbandonedTasks() {
                        group.addTask { await tasks.abandon(task) }
                    }
                } catch {
                    // A second, as the job dispatcher waits: a database out of reach is not polled five times a second.
                    logger.error("workflow runner: \(error)")
                    await engine.signal.wait(timeout: max(pollInterval, .seconds(1)))
                    continue
                }
                await engine.signal.wait(timeout: pollInterval)
            }
            group.cancelAll()
        }
    }

    private func fireTimers() async throws {
        for arn in try await engine.store.dueExecutions(at: Date().timeIntervalSince1970, limit: 500) {
            do {
                try await engine.deliver(.tick, to: arn)
            } catch {
                logger.error("workflow timer for \(arn): \(error)")
            }
        }
    }
}
