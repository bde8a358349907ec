import Foundation
import Logging
import MediaflowStore
import ServiceLifecycle

/// Deletes finished jobs older than the retention period, and workflow executions that ended before
/// it (with their history), once at start and then every hour.
struct RetentionService: Service {
    let store: any JobRepositoryStore
    let workflows: (any WorkflowStore)?
    let retention: Duration
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let cutoff = Date() - retention
                    let purged = try await store.purge(createdBefore: cutoff)
                    if purged > 0 { logger.info("Deleted \(purged) finished jobs past retention") }
                    if let ended = try await workflows?.purgeExecutions(stoppedBefore: cutoff), ended > 0 {
                        logger.info("Deleted \(ended) finished workflow executions past retention")
                    }
                } catch {
                    logger.warning("Retention run failed: \(error)")
                }
                try? await Task.sleep(for: .seconds(3600))
            }
        }
    }
}

extension Date {
    static func - (date: Date, duration: Duration) -> Date { date + (.zero - duration) }
}
