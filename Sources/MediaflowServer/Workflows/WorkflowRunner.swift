import Foundation
import Logging
import MediaflowStates
import MediaflowStore
import ServiceLifecycle

/// The workflow engine's background work: fires due timers and hands scheduled tasks to their
/// resources. Both come from the store, so nothing is lost across a restart.
struct WorkflowRunner: Service {
    let engine: WorkflowEngine
    let tasks: TaskResourceRunner
    let logger: Logger
    /// The longest a due timer waits to be noticed.
    var pollInterval = Duration.milliseconds(200)

    func run() async throws {
        await cancelWhenGracefulShutdown { await runUntilCancelled() }
    }

    private func runUntilCancelled() async {
        await withTaskGroup(of: Void.self) { group in
            while !Task.isCancelled {
                do {
                    try await fireTimers()
                    for task in try await engine.store.pendingTasks(limit: 500) where tasks.claim(task.token) {
                        group.addTask { await tasks.perform(task) }
                    }
                } catch {
                    logger.error("workflow runner: \(error)")
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
