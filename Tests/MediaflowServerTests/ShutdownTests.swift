import Foundation
import Logging
import MediaflowModel
import MediaflowServer
import MediaflowTesting
import ServiceLifecycle
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A server stops when told to, whatever its clients leave open.
@Suite struct ShutdownTests {
    /// Opens a TCP connection to `port` on loopback and sends nothing; returns its descriptor.
    static func silentConnection(to port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard fd >= 0, connected == 0 else { throw FixtureError("cannot connect to port \(port)") }
        return fd
    }

    /// A connection that never sends a request once held the graceful shutdown of a server with the
    /// bus's WebSocket upgrade forever; it is now closed when the shutdown begins.
    ///
    /// Held, it would be closed no sooner than its own end: its first-byte deadline (10 s) with the bus, its
    /// idle timeout (15 s) without. The close is timed, not the whole shutdown: beside the whole suite on two
    /// cores each of a server's services has taken a second to stop, a dozen in all.
    @Test(arguments: [true, false]) func aSilentConnectionDoesNotHoldTheShutdown(withBus: Bool) async throws {
        var configuration = try TestServer.configuration()
        if !withBus { configuration.roles.remove(.serviceBus) }
        let (fd, opened, closing) = try await withServer(configuration) { server in
            let fd = try Self.silentConnection(to: server.configuration.port)
            let opened = ContinuousClock.now
            // Let the server take the connection in: one arriving as the server stops trips a
            // precondition in NIO's async channel (a crash of the stopping process, not this test's subject).
            try await Task.sleep(for: .seconds(1))
            return (fd, opened, Task { try await Self.endOfStream(on: fd) })
        }
        defer { close(fd) }
        let closed = try await closing.value
        // Less a margin: the server may start the connection's clock a little before `opened`.
        let held = withBus ? Duration.seconds(10) : .seconds(15)
        #expect(closed - opened < held - .seconds(3), "closed at the shutdown, before the connection would have ended by itself")
    }

    /// When the peer of the connection `fd` closed it, polled for; the connection is to send nothing.
    static func endOfStream(on fd: Int32) async throws -> ContinuousClock.Instant {
        var byte: UInt8 = 0
        while true {
            switch recv(fd, &byte, 1, Int32(MSG_DONTWAIT)) {
            case 0: return .now
            case -1 where errno == EAGAIN || errno == EWOULDBLOCK: try await Task.sleep(for: .milliseconds(20))
            case -1 where errno == ECONNRESET: return .now
            default: throw FixtureError("the silent connection was sent a byte, or failed: errno \(errno)")
            }
        }
    }

    /// `mediaflow serve` takes SIGTERM as the start of a graceful shutdown, and exits with status 0 after it.
    @Test func serveShutsDownGracefullyOnSIGTERM() async throws {
        let port = try FreePort.pick()
        let folder = MediaFixtures.temporaryDirectory()
        let server = try ServerProcess(
            port: port, arguments: ["--data-dir", folder.path], log: folder.appendingPathComponent("server.log"))
        try await waitForHealth(server.baseURL)
        #expect(await server.stop())
    }

    /// A graceful shutdown stops the jobs the server runs without ending them: they stay RUNNING, and run
    /// again once the server is back (the jobs' cancelled workers once reported them CANCELED when the process
    /// lived on long enough).
    @Test func aShutdownLeavesItsRunningJobsToRunAgain() async throws {
        let folder = MediaFixtures.temporaryDirectory()
        let clip = try await MediaFixtures.clip(in: folder)
        let configuration = try TestServer.configuration()
        try await withSlowMediaServer(serving: clip) { media in
            let jobURL = try await withServer(configuration) { server in
                let job = try await server.client.create(
                    Job(type: .ameJob, profile: "ExtractTechnicalMetadata",
                        relatedResource: RelatedResource(locator: "\(media)/media/2/clip.mp4")))
                _ = try await server.client.start(jobURL: job.id!)
                try await eventually("the job runs") { try await server.client.job(job.id!).status == .running }
                return job.id!
            }
            try await withServer(configuration) { server in
                let done = try await server.client.wait(for: jobURL)
                #expect(done.status == .completed, "\(done.statusMessage ?? "")")
            }
        }
    }

    /// An activity worker's long poll (`GetActivityTask`, up to a minute) answers without a task as soon as the
    /// server begins to shut down. It held the shutdown until the bound cancelled it, 30 s later, and the worker
    /// got a dropped connection.
    @Test func anActivityWorkersLongPollDoesNotHoldTheShutdown() async throws {
        let (poll, stopping) = try await withServer(try TestServer.configuration()) { server in
            _ = try await WorkflowTests.call(server.baseURL, .POST, "/Activity", ["name": "idle"])
            let poll = Task { try await WorkflowTests.call(server.baseURL, .GET, "/Activity/idle/task") }
            try await Task.sleep(for: .seconds(1))
            return (poll, ContinuousClock.now)
        }
        let (status, answer) = try await poll.value
        #expect(status == 200)
        #expect(answer["taskToken"] == nil, "\(answer)")
        // The bound is 30 s: a shutdown held by the poll takes that long. A busy 2-core machine took 17 s without it.
        #expect(ContinuousClock.now - stopping < .seconds(25), "the shutdown did not wait for the poll")
    }

    /// A shutdown that waits on something that never ends is cancelled after its bound, so the server stops.
    /// (The bound is the cancellation's too: past it, ServiceLifecycle ends the whole test process, so it leaves
    /// room for a busy machine.)
    @Test func aShutdownThatHangsIsCancelledAfterItsBound() async throws {
        let bound = Duration.seconds(3)
        let group = ServiceGroup.bounded(
            [ServiceDeafToShutdown()], maxShutdown: bound, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        let ended = Atomic(false)
        let running = Task {
            try? await group.run()
            ended.store(true, ordering: .sequentiallyConsistent)
        }
        defer { running.cancel() }
        try await Task.sleep(for: .milliseconds(100))
        let stopping = ContinuousClock.now
        await group.triggerGracefulShutdown()
        try await eventually(timeout: .seconds(15), "the group to stop") { ended.load(ordering: .sequentiallyConsistent) }
        #expect(ContinuousClock.now - stopping >= bound, "the graceful shutdown had its time first")
    }
}

/// A service that ignores the graceful shutdown and ends only when cancelled.
private struct ServiceDeafToShutdown: Service {
    func run() async throws {
        while (try? await Task.sleep(for: .seconds(1))) != nil {}
    }
}
