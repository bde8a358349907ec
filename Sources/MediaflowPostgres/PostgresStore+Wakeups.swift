import MediaflowStore
import PostgresNIO

extension PostgresStore: WorkAnnouncer {
    /// Listens for `NOTIFY` of new dispatch work, new outbox messages and new workflow tasks from any
    /// node using the same schema, calling the matching handler, until cancelled; reconnects after a lost
    /// connection.
    public func listen(
        onDispatch: @escaping @Sendable () -> Void, onOutbox: @escaping @Sendable () -> Void,
        onWorkflow: @escaping @Sendable () -> Void
    ) async {
        while !Task.isCancelled {
            do {
                // A schema of its own exists only once migrated: until then `current_schema()` is NULL.
                try await migrate()
                try await client.withOpenConnection(logger: logger) { connection in
                    // Each notification names the schema it was sent from; nodes of other schemas ignore it.
                    let schema = try await connection.query("SELECT current_schema()").decode(String.self).first
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        for (channel, handler) in [
                            (Self.dispatchChannel, onDispatch), (Self.outboxChannel, onOutbox), (Self.workflowChannel, onWorkflow),
                        ] {
                            group.addTask {
                                try await connection.connection.listen(on: channel) { notifications in
                                    for try await notification in notifications where notification.payload == schema {
                                        handler()
                                    }
                                }
                            }
                        }
                        try await group.waitForAll()
                    }
                }
            } catch {
                if Task.isCancelled { return }
                if Self.isLostConnection(error) { reachability.suspect() }
                logger.warning("LISTEN connection lost: \(Self.describe(error)); reconnecting")
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    /// Sends `NOTIFY channel` with this schema as its payload, as `listen` expects, when `connection`'s
    /// transaction commits. (The hot statements send theirs in SQL, the same way.)
    func announce(on channel: String, _ connection: OpenConnection) async throws {
        try await connection.query("SELECT pg_notify(\(channel), current_schema())")
    }
}
