import Foundation
import Logging
import MediaflowModel
import Synchronization

/// Delivers a service's `UpdateJob`/`StopJob` to the processor: in-process when the processor runs in
/// this process, over HTTP otherwise. A final report the processor could not take (a 5xx, in-process or
/// over HTTP, as when its database is out of reach) is tried up to 30 times with backoff (capped at 6.4 s);
/// one it refused (a 4xx) is not. A progress report is tried once.
struct ReportSender: Sendable {
    let transport: HTTPTransport
    let localProcessor: LocalProcessorLink
    let logger: Logger

    func deliver(_ report: JobReport, to url: String) async {
        let final = report.jobStatus.isFinal
        var attempt = 0
        while true {
            attempt += 1
            do {
                if let processor = localProcessor.processor(for: url) {
                    _ = try await processor.report(report, final: final)
                    return
                }
                let reply = try await transport.send(.POST, url, report)
                if reply.isSuccess || (400..<500).contains(reply.status) {
                    if !reply.isSuccess { logger.warning("\(report.type) to \(url) refused: \(reply.status)") }
                    return
                }
                throw TransportError(url: url, reason: "answered \(reply.status)")
            } catch let problem as Problem where problem.status.code < 500 {
                logger.warning("\(report.type) refused: \(problem.detail)")
                return
            } catch {
                guard final, attempt < 30 else {
                    logger.warning("\(report.type) to \(url) not delivered: \(error)")
                    return
                }
                try? await Task.sleep(for: .milliseconds(200 << min(attempt, 5)))
            }
        }
    }
}

extension ReportSender {
    /// Hands the job of `record`, which its service stopped unfinished as the node shut down, back to its
    /// processor, here or over HTTP, to be queued again at once; tried once, as the node is stopping (a
    /// processor that did not hear of it queues the job again when its lease runs out).
    func handBack(_ record: ProcessJob) async {
        guard let update = record.asyncEndpoint.update, let processJob = record.id else { return }
        await deliver(.handBack(job: record.job, processJob: processJob), to: update)
    }
}

/// The processor of this process, once it exists: services built before it reach it through this link.
final class LocalProcessorLink: Sendable {
    private let state = Mutex<(processor: JobProcessor, baseURL: String)?>(nil)

    init() {}

    func connect(_ processor: JobProcessor, baseURL: String) { state.withLock { $0 = (processor, baseURL) } }

    /// The local processor when `url` is one of its report endpoints.
    func processor(for url: String) -> JobProcessor? {
        state.withLock { state in
            guard let state, url == "\(state.baseURL)/UpdateJob" || url == "\(state.baseURL)/StopJob" else { return nil }
            return state.processor
        }
    }
}
