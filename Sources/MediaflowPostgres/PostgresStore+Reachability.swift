import Foundation
import MediaflowStore
import NIOCore
import NIOPosix
import PostgresNIO
import Synchronization
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
            try await connectOnce(within: Self.probePatience)
            return nil
        } catch is NoAnswer {
            return "Cannot reach \(databasePlace): no answer within \(Self.probePatience.components.seconds) s"
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
        if error is ConnectionPoolError { return true }
        guard let error = error as? PSQLError else { return false }
        if error.code == .server { return error.serverInfo?[.sqlState]?.hasPrefix("57P") ?? false }
        return [.connectionError, .serverClosedConnection, .uncleanShutdown].contains(error.code)
    }

    /// How long the probe waits for a connection to be made and accepted (PostgresNIO's connect timeout, which
    /// counts the start-up too, is the same; this is the backstop).
    static let probePatience = Duration.seconds(5)

    /// `connectOnce`, given up after `patience`: a server that takes the connection and then says nothing (as
    /// behind a network partition) must not hold the probe for as long as TCP keeps trying.
    private func connectOnce(within patience: Duration) async throws {
        try await withUnsafeThrowingContinuation { continuation in
            let answer = FirstAnswer(continuation)
            let timer = Task {
                try await Task.sleep(for: patience)
                answer.give(.failure(NoAnswer()))
            }
            Task {
                defer { timer.cancel() }
                do {
                    try await self.connectOnce()
                    answer.give(.success(()))
                } catch {
                    answer.give(.failure(error))
                }
            }
        }
    }

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

/// The probe's connection got no answer in time.
private struct NoAnswer: Error {}

/// Resumes a continuation once, with whichever answer comes first.
private final class FirstAnswer: Sendable {
    private let continuation: Mutex<UnsafeContinuation<Void, any Error>?>

    init(_ continuation: UnsafeContinuation<Void, any Error>) { self.continuation = Mutex(continuation) }

    func give(_ answer: Result<Void, any Error>) { continuation.withLock { $0.take() }?.resume(with: answer) }
}
