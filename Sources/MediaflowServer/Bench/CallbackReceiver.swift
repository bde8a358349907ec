import Foundation
import Hummingbird
import Logging
import MediaflowModel
import Synchronization

/// An HTTP endpoint that takes job callbacks (`POST /done`) and lets callers await the one for a job.
public final class CallbackReceiver: Sendable {
    private struct State {
        var waiters: [String: CheckedContinuation<Void, Never>] = [:]
        var arrived: [String: Data] = [:]
        var deliveries: [Delivery] = []
        var refusing = false
    }
    private let state = Mutex(State())

    public init() {}

    /// An application taking callbacks at `POST /done`, `/success` and `/failure` on loopback at `port`.
    public func application(port: Int, logger: Logger) -> some ApplicationProtocol {
        let router = Router()
        router.post("/:endpoint") { request, _ in
            var request = request
            let body = try await request.collectBody(upTo: 16 << 20)
            // The job's id is all a waiter needs; the whole job is decoded only when asked for.
            guard let id = (try? JSONParser.parse(body.readableBytesView))?["id"]?.stringValue else {
                return Response(status: .badRequest)
            }
            let headers = Dictionary(request.headers.map { ($0.name.canonicalName, $0.value) }) { first, _ in first }
            guard self.received(Delivery(job: id, headers: headers, body: Data(body.readableBytesView))) else {
                return Response(status: .serviceUnavailable)
            }
            return Response(status: .noContent)
        }
        return Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)), logger: logger)
    }

    /// Returns once the callback for the job with this URL has arrived.
    public func arrival(of jobURL: String) async {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> Bool in
                if state.arrived[jobURL] != nil { return true }
                state.waiters[jobURL] = continuation
                return false
            }
            if ready { continuation.resume() }
        }
    }

    /// The job as the callback delivered it, if it has arrived.
    public func delivered(_ jobURL: String) -> Job? {
        state.withLock { $0.arrived[jobURL] }.flatMap { try? ProtocolJSON.decode(Job.self, from: $0) }
    }

    /// One accepted callback: the job it was about, and the headers and body it came with.
    public struct Delivery: Sendable {
        public var job: String
        /// By lowercase name; the first of a name given twice.
        public var headers: [String: String]
        public var body: Data
        public var idempotencyKey: String? { headers["idempotency-key"] }
    }

    /// Every accepted delivery so far.
    public var deliveries: [Delivery] { state.withLock { $0.deliveries } }

    /// While refusing, every callback is answered 503, as by a caller that is down.
    public func setRefusing(_ refusing: Bool) { state.withLock { $0.refusing = refusing } }

    private func received(_ delivery: Delivery) -> Bool {
        let (accepted, waiter) = state.withLock { state -> (Bool, CheckedContinuation<Void, Never>?) in
            if state.refusing { return (false, nil) }
            state.arrived[delivery.job] = delivery.body
            state.deliveries.append(delivery)
            return (true, state.waiters.removeValue(forKey: delivery.job))
        }
        waiter?.resume()
        return accepted
    }
}

/// Picks a free TCP port on loopback by binding port 0.
public enum FreePort {
    /// Ports handed out by this process, never handed out twice.
    private static let handedOut = Mutex<Set<Int>>([])

    /// A loopback port nothing listens on. It is taken below the kernel's ephemeral range (32768 up), where
    /// the source port of some outgoing connection could take it before the caller binds it, and never
    /// given twice by this process.
    public static func pick() throws -> Int {
        for _ in 0..<1000 {
            let port = Int.random(in: 20_000..<32_768)
            guard handedOut.withLock({ $0.insert(port).inserted }) else { continue }
            if let fd = try? bindLoopback(port: port) {
                close(fd.descriptor)
                return port
            }
        }
        throw ConfigurationError("No free loopback port found")
    }

    /// A socket listening on a free loopback port that never accepts: connections to it succeed and what
    /// is sent there is never answered, as with a caller that hangs. Close the descriptor to stop it.
    public static func blackHole() throws -> (descriptor: Int32, port: Int) {
        let (fd, port) = try bindLoopback(port: 0)
        guard listen(fd, 64) == 0 else {
            close(fd)
            throw ConfigurationError("listen() failed")
        }
        return (fd, port)
    }

    /// A socket bound to `port` on loopback (0: any free port), and the port.
    private static func bindLoopback(port: Int) throws -> (descriptor: Int32, port: Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ConfigurationError("socket() failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else {
            close(fd)
            throw ConfigurationError("Could not bind a free port")
        }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }
}
