import Foundation
import Logging
import MediaflowStore
import ServiceLifecycle

/// Deletes finished jobs older than the retention period, once at start and then every hour.
struct RetentionService: Service {
    let store: any JobRepositoryStore
    let retention: Duration
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let purged = try await store.purge(createdBefore: Date() - retention)
                    if purged > 0 { logger.info("Deleted \(purged) finished jobs past retention") }
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
