import Foundation
import MediaflowStore
import NIOCore
import NIOPosix
import PostgresNIO

extension PostgresStore {
    /// Connects once, before the pool is first used: a database that cannot be reached or refuses this node
    /// fails the migration, and so start-up, with the reason, where the pool would retry quietly for a
    /// minute. A server that refuses connections is tried again for `patience` — it may be starting too.
    func checkReachable(patience: Duration = .seconds(10)) async throws {
        let deadline = ContinuousClock.now + patience
        while true {
            do {
                let connection = try await PostgresConnection.connect(configuration: probe, id: 0, logger: logger)
                try await connection.close()
                return
            } catch let error as PSQLError where error.code == .connectionError && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(250))
            } catch {
                let place = "PostgreSQL at \(probe.host ?? "?"):\(probe.port ?? 5432)"
                if let message = (error as? PSQLError)?.serverInfo?[.message] {
                    throw StoreError.unavailable("\(place) refused this node: \(message)")
                }
                throw StoreError.unavailable("Cannot reach \(place): \(Self.connectionFailure(error))")
            }
        }
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
