import Logging
import ServiceLifecycle

/// Runs `body` while `services` run, then shuts them down gracefully and waits until they have stopped
/// (cancelling them mid-shutdown makes the HTTP servers log errors), whether `body` returns or throws —
/// for `maxShutdown` at most, after which they are cancelled, so that a shutdown waiting on something that
/// never ends cannot hold the caller (a test) for good; should cancellation not end them within as long
/// again, ServiceLifecycle stops the process with a fatal error.
/// Should the services stop first — one failed to start, say, its database out of reach — `body` is
/// cancelled and their error thrown, rather than `body` waiting for servers that are gone.
public func whileServing<T: Sendable>(
    _ services: [any Service], logger: Logger, maxShutdown: Duration = .seconds(30),
    _ body: @Sendable () async throws -> T
) async throws -> T {
    let group = ServiceGroup.bounded(services, maxShutdown: maxShutdown, logger: logger)
    return try await withoutActuallyEscaping(body) { body in
        try await withThrowingTaskGroup(of: Ending<T>.self) { tasks in
            tasks.addTask {
                do { try await group.run() } catch { return .services(error) }
                return .services(nil)
            }
            tasks.addTask {
                do { return .body(.success(try await body())) } catch { return .body(.failure(error)) }
            }
            switch try await tasks.next() {
            case .body(let outcome):
                await group.triggerGracefulShutdown()
                if case .services(let error?) = try await tasks.next() { throw error }
                return try outcome.get()
            case .services(let error):
                tasks.cancelAll()
                _ = try await tasks.next()
                throw error ?? ServicesStopped()
            case nil:
                fatalError("both tasks were added")
            }
        }
    }
}

/// Which of `whileServing`'s two tasks ended first, and how.
private enum Ending<T: Sendable>: Sendable {
    case body(Result<T, any Error>)
    case services((any Error)?)
}

/// The services `whileServing` ran stopped by themselves before its work was done.
struct ServicesStopped: Error, CustomStringConvertible {
    var description: String { "The servers stopped before the work was done" }
}
