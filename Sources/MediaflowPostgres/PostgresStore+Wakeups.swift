import MediaflowStore
import PostgresNIO

extension PostgresStore: WorkAnnouncer {
    /// Listens for `NOTIFY` of new dispatch work, new outbox messages and new workflow tasks from any
    /// node, calling the matching handler, until cancelled; reconnects after a lost connection.
    public func listen(
        onDispatch: @escaping @Sendable () -> Void, onOutbox: @escaping @Sendable () -> Void,
        onWorkflow: @escaping @Sendable () -> Void
    ) async {
        while !Task.isCancelled {
            do {
                try await client.withConnection { connection in
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        for (channel, handler) in [
                            (Self.dispatchChannel, onDispatch), (Self.outboxChannel, onOutbox), (Self.workflowChannel, onWorkflow),
                        ] {
                            group.addTask {
                                try await connection.listen(on: channel) { notifications in
                                    for try await _ in notifications { handler() }
                                }
                            }
                        }
                        try await group.waitForAll()
                    }
                }
            } catch {
                if Task.isCancelled { return }
                logger.warning("LISTEN connection lost: \(Self.describe(error)); reconnecting")
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }
}
