import Foundation
import MediaflowStore
import NIOCore
import NIOPosix
import PostgresNIO
import _ConnectionPoolModule

extension PostgresStore {
    /// Connects once, before the pool is first used: a database that cannot be reached or refuses this node
    /// fails the migration, and so start-up, with the reason, where the pool would retry quietly for a
    /// minute. A server that refuses connections is tried again for `patience` — it may be starting too.
    func checkReachable(patience: Duration = .seconds(10)) async throws {
        let deadline = ContinuousClock.now + patience
        while true {
            do {
                return try await connectOnce()
            } catch let error as PSQLError where error.code == .connectionError && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(250))
            } catch {
                throw StoreError.unavailable(unreachable(error))
            }
        }
    }

    /// Why the database cannot be reached now, or nil when it can: the reachability watch's probe. A server that
    /// answers only to refuse one more connection (too many clients, say) is there for the connections the
    /// pool holds: that is no outage.
    func unreachableReason() async -> String? {
        do {
            try await connectOnce()
            return nil
        } catch where Self.isLostConnection(error) {
            return unreachable(error)
        } catch {
            return nil
        }
    }

    /// Whether `error` means that the database went away or could not be reached, rather than that it refused a
    /// statement: the pool gave up connecting, a connection failed or was closed, or the server is shutting
    /// down or not yet taking connections (SQLSTATE class 57P).
    static func isLostConnection(_ error: any Error) -> Bool {
        if error is ConnectionPoolError || error is ClosedConnectionError { return true }
        guard let error = error as? PSQLError else { return false }
        if error.code == .server { return error.serverInfo?[.sqlState]?.hasPrefix("57P") ?? false }
        return [.connectionError, .serverClosedConnection, .uncleanShutdown].contains(error.code)
    }

    /// Connects and closes again, within the probe's connect timeout, which counts the start-up too: a server
    /// that takes the connection and then says nothing (as behind a network partition) fails it in time.
    private func connectOnce() async throws {
        let connection = try await PostgresConnection.connect(configuration: probe, id: 0, logger: logger)
        try await connection.close()
    }

    /// The database server, as messages name it: `PostgreSQL at HOST:PORT`.
    var databasePlace: String { "PostgreSQL at \(probe.host ?? "?"):\(probe.port ?? 5432)" }

    /// Why a connection could not be made, as a node reports it.
    private func unreachable(_ error: any Error) -> String {
        if let message = (error as? PSQLError)?.serverInfo?[.message] { return "\(databasePlace) refused this node: \(message)" }
        return "Cannot reach \(databasePlace): \(Self.connectionFailure(error))"
    }

    /// Why a connection could not be made, in a few words.
    private static func connectionFailure(_ error: any Error) -> String {
        switch error {
        case let error as PSQLError:
            return error.underlying.map(connectionFailure) ?? describe(error)
        case let error as NIOConnectionError:
            if let failure = error.connectionErrors.first { return connectionFailure(failure.error) }
            if error.dnsAError != nil || error.dnsAAAAError != nil { return "no such host" }
            return "no address for \(error.host)"
        case let error as IOError where error.errnoCode == ECONNREFUSED:
            return "connection refused: nothing listens there"
        case let error as IOError:
            return String(cString: strerror(error.errnoCode)).lowercased()
        case ChannelError.connectTimeout(let timeout):
            return "no answer within \(timeout.nanoseconds / 1_000_000_000) s"
        default:
            return String(describing: error)
        }
    }
}
