import Foundation
import NIOCore
import NIOPosix

/// A benchmark worker on one event loop, with a lean keep-alive connection to each server: it sends one
/// request at a time and handles each answer where it arrives, as wrk does.
final class LoadWorker {
    /// What one operation measured (seconds), or why it failed.
    typealias Measured = (Result<Double, any Error>) -> Void
    /// An operation of a closed loop: the worker, the operation's index, and where it reports.
    typealias Operation = @Sendable (LoadWorker, Int, @escaping Measured) -> Void

    let eventLoop: any EventLoop
    private let servers: [(baseURL: String, host: String, connection: LeanConnection)]

    private init(eventLoop: any EventLoop, servers: [(baseURL: String, host: String, connection: LeanConnection)]) {
        self.eventLoop = eventLoop
        self.servers = servers
    }

    /// Runs `body` with `count` workers, spread over the event loops, each connected to every server in
    /// `baseURLs` (`http://host:port`), and closes their connections after it.
    static func withWorkers<T>(
        _ count: Int, servers baseURLs: [String], _ body: ([NIOLoopBound<LoadWorker>]) async throws -> T
    ) async throws -> T {
        var workers: [NIOLoopBound<LoadWorker>] = []
        defer { for worker in workers { worker.eventLoop.execute { worker.value.close() } } }
        for _ in 0..<count {
            let eventLoop = MultiThreadedEventLoopGroup.singleton.next()
            var connections: [(NIOLoopBound<LeanConnection>, String, String)] = []
            for baseURL in baseURLs {
                guard let url = URL(string: baseURL), let host = url.host, let port = url.port else {
                    throw ConfigurationError("Cannot connect to \(baseURL)")
                }
                connections.append(
                    (try await LeanConnection.connect(host: host, port: port, on: eventLoop), baseURL, "\(host):\(port)"))
            }
            workers.append(try await eventLoop.submit { [connections] in
                NIOLoopBound(
                    LoadWorker(eventLoop: eventLoop, servers: connections.map { ($0.1, $0.2, $0.0.value) }),
                    eventLoop: eventLoop)
            }.get())
        }
        return try await body(workers)
    }

    /// The base URL of server `server`.
    func baseURL(ofServer server: Int) -> String { servers[server].baseURL }

    /// Sends `method target` to server `server`, with a JSON `body` if any; `completion` gets the response when
    /// it has `status`, else an error.
    func send(
        _ method: String, _ target: String, toServer server: Int, body: [UInt8]? = nil, expecting status: Int,
        _ completion: @escaping (Result<LeanHTTP.Message, any Error>) -> Void
    ) {
        var request = ByteBuffer()
        request.writeString("\(method) \(target) HTTP/1.1\r\nHost: \(servers[server].host)\r\n")
        if let body {
            request.writeString("Content-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n")
            request.writeBytes(body)
        } else {
            request.writeString("\r\n")
        }
        let url = servers[server].baseURL + target
        servers[server].connection.send(request) { result in
            completion(result.flatMap { message in
                message.status == status
                    ? .success(message) : .failure(TransportError(url: url, reason: "answered \(message.startLine)"))
            })
        }
    }

    private func close() { for server in servers { server.connection.close() } }

    /// Runs `operation` for each index in `0..<count` on `workers`, each taking the next index when its last
    /// operation has reported; returns what the operations measured (seconds) and the run's seconds.
    static func closedLoop(
        _ workers: [NIOLoopBound<LoadWorker>], count: Int, _ operation: @escaping Operation
    ) async throws -> (latencies: [Double], seconds: Double) {
        let ticket = Ticket()
        let start = ContinuousClock.now
        var latencies: [Double] = []
        let runs = workers.map { worker in
            let done = worker.eventLoop.makePromise(of: [Double].self)
            worker.eventLoop.execute { worker.value.loop(count: count, ticket: ticket, operation, done: done) }
            return done.futureResult
        }
        for run in runs { latencies += try await run.get() }
        return (latencies, (ContinuousClock.now - start).seconds)
    }

    private func loop(count: Int, ticket: Ticket, _ operation: @escaping Operation, done: EventLoopPromise<[Double]>) {
        var measured: [Double] = []
        func next() {
            let index = ticket.take()
            guard index < count else { return done.succeed(measured) }
            operation(self, index) { result in
                switch result {
                case .success(let seconds):
                    measured.append(seconds)
                    next()
                case .failure(let error):
                    done.fail(error)
                }
            }
        }
        next()
    }
}
