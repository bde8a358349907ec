import MediaflowStore
import ServiceLifecycle

/// Wakes this node's dispatcher, outbox and workflow runner when any node of a shared store adds work.
struct WakeupListener: Service {
    let announcer: any WorkAnnouncer
    let onDispatch: @Sendable () -> Void
    let onOutbox: @Sendable () -> Void
    let onWorkflow: @Sendable () -> Void

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await announcer.listen(onDispatch: onDispatch, onOutbox: onOutbox, onWorkflow: onWorkflow)
        }
    }
}
