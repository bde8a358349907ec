import Foundation
import Hummingbird
import Logging
import MediaflowModel
import MediaflowStore
import MediaflowTesting
import Synchronization
import Testing

@testable import MediaflowServer

/// A processor going through a remote repository finds the job changed between reading it and writing it
/// `QUEUED` (its `PUT` refused with 412): the StartJob it recorded must not outlive a start that did not happen.
@Suite struct RemoteJobLedgerTests {
    @Test func aJobStartedElsewhereMeanwhileKeepsNoTraceOfThisStart() async throws {
        let (repository, outcome, entries) = try await startWhileTheJobChanges(to: .queued)
        guard case .failure(let error) = outcome else {
            Issue.record("the start went ahead")
            return
        }
        #expect((error as? StoreError)?.isConflict == true)
        #expect(repository.puts == 1)
        #expect(repository.withdrawn == [repository.recorded])
        #expect(entries.isEmpty, "the dispatch entry is dropped")
    }

    @Test func aJobEditedMeanwhileIsStartedFromItsNewVersion() async throws {
        let (repository, outcome, entries) = try await startWhileTheJobChanges(to: .new)
        let (record, job) = try outcome.get()
        #expect(repository.puts == 2)
        #expect(repository.withdrawn.isEmpty)
        #expect(job.status == .queued)
        #expect(job.statusMessage == "edited meanwhile")
        #expect(job.startJob == record.id)
        #expect(entries.map(\.jobID) == ["1"])
    }

    /// Queues job 1 through a `RemoteJobLedger` against a `ScriptedRepository` whose first `PUT` finds the job
    /// moved to `status`; returns what the repository saw, what `queue` returned, and the dispatch queue.
    private func startWhileTheJobChanges(to status: JobStatus) async throws
        -> (ScriptedRepository.Log, Result<(StartJob, Job), any Error>, [DispatchEntry])
    {
        let port = try FreePort.pick()
        let baseURL = "http://127.0.0.1:\(port)"
        let repository = ScriptedRepository(baseURL: baseURL, changeTo: status)
        let store = MemoryStore()
        let ledger = RemoteJobLedger(
            transport: HTTPTransport(client: .shared), repositoryURL: baseURL, store: store, handover: nil,
            logger: quietTestLogger)
        let app = Application(
            router: repository.router, configuration: .init(address: .hostname("127.0.0.1", port: port)),
            logger: quietTestLogger)
        return try await whileServing([app], logger: quietTestLogger) {
            try await waitForPort(baseURL)
            let jobURL = "\(baseURL)/Job/1"
            let entry = DispatchEntry(jobID: "1", jobURL: jobURL, jobType: .ameJob, profile: "NoOp", priority: .medium)
            let outcome: Result<(StartJob, Job), any Error>
            do {
                outcome = .success(try await ledger.queue(jobAt: jobURL, startJob: StartJob(job: jobURL), entry: entry, now: Date()))
            } catch {
                outcome = .failure(error)
            }
            let entries = try await store.claimDispatch(
                profiles: ["NoOp"], limit: 10, lease: Lease(owner: "test", until: Date() + .seconds(60)), now: Date())
            return (repository.log.withLock { $0 }, outcome, entries)
        }
    }
}

private let quietTestLogger: Logger = {
    var logger = Logger(label: "test")
    logger.logLevel = .critical
    return logger
}()

/// A job repository with one job, `NEW` at version 0, that a second writer changes just before the first
/// `PUT`: to `changeTo`, with a status message, at version 1.
private final class ScriptedRepository: Sendable {
    struct Log {
        var job: Job
        var version: Int64 = 0
        var puts = 0
        var recorded: String?
        var withdrawn: [String] = []
    }

    let log: Mutex<Log>
    let baseURL: String
    let changeTo: JobStatus

    init(baseURL: String, changeTo: JobStatus) {
        var job = Job(type: .ameJob, profile: "NoOp")
        job.id = "\(baseURL)/Job/1"
        job.jobStatus = .new
        log = Mutex(Log(job: job))
        self.baseURL = baseURL
        self.changeTo = changeTo
    }

    var router: Router<BasicRequestContext> {
        let router = Router()
        router.get("/Job/1") { _, _ in
            let (job, version) = self.log.withLock { ($0.job, $0.version) }
            return try ProtocolIO.response(job, entityTag: EntityTag.of(version: version))
        }
        router.put("/Job/1") { request, _ in
            let job = try await ProtocolIO.decode(Job.self, from: request, limit: 1 << 20)
            let ifMatch = request.headers[values: .ifMatch]
            let written = self.log.withLock { log -> (Job, Int64)? in
                log.puts += 1
                if log.puts == 1 {
                    log.job.jobStatus = self.changeTo
                    log.job.statusMessage = "edited meanwhile"
                    log.version += 1
                }
                guard EntityTag.ifMatch(ifMatch, allows: log.version) else { return nil }
                log.job = job
                log.version += 1
                return (job, log.version)
            }
            guard let (job, version) = written else { return Response(status: .preconditionFailed) }
            return try ProtocolIO.response(job, entityTag: EntityTag.of(version: version))
        }
        router.post("/StartJob") { request, _ in
            var record = try await ProtocolIO.decode(StartJob.self, from: request, limit: 1 << 20)
            record.id = "\(self.baseURL)/StartJob/\(UniqueID.make())"
            self.log.withLock { $0.recorded = record.id }
            return try ProtocolIO.response(record, status: .created)
        }
        router.delete("/StartJob/:id") { _, context in
            let id = try context.parameters.require("id")
            self.log.withLock { $0.withdrawn.append("\(self.baseURL)/StartJob/\(id)") }
            return Response(status: .noContent)
        }
        return router
    }
}
