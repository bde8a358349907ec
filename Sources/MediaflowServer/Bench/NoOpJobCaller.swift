import Foundation
import MediaflowModel
import NIOCore

/// A benchmark caller's side of the job protocol for one no-op job: `POST /Job`, then `POST /StartJob` with
/// the callback to the receiver, measured from the StartJob until both its answer and the callback are in.
struct NoOpJobCaller: Sendable {
    /// Servers the jobs go to in turn.
    let nodes: Int
    /// The lean receiver's base URL.
    let receiverURL: String
    let board: ArrivalBoard
    private static let noOpJob = Array(try! ProtocolJSON.encode(Job(type: .ameJob, profile: "NoOp")))

    /// Runs job `index` on `worker`, reporting its latency.
    func run(on worker: LoadWorker, index: Int, report: @escaping LoadWorker.Measured) {
        let server = index % nodes
        worker.send("POST", "/Job", toServer: server, body: Self.noOpJob, expecting: 201) { created in
            do {
                let location = try created.get().location
                guard let location, let slash = location.lastIndex(of: "/") else {
                    throw TransportError(url: worker.baseURL(ofServer: server) + "/Job", reason: "answered without a Location")
                }
                // The callback URL names the job, as a caller puts its own reference there, so that the receiver
                // need not read the job to know whose callback it is.
                let key = String(location[location.index(after: slash)...])
                let callback = "\(receiverURL)/arrived/\(key)"
                var request = StartJob(
                    job: worker.baseURL(ofServer: server) + location,
                    asyncEndpoint: AsyncEndpoint(success: callback, failure: callback))
                request.context = contextURL(baseURL: worker.baseURL(ofServer: server))
                let body = Array(try ProtocolJSON.encode(request))
                let started = NIOLoopBound(StartedJob(report: report), eventLoop: worker.eventLoop)
                board.whenArrived(key) { [eventLoop = worker.eventLoop] in
                    eventLoop.execute { started.value.ended(.success(())) }
                }
                worker.send("POST", "/StartJob", toServer: server, body: body, expecting: 201) { answer in
                    started.value.ended(answer.map { _ in })
                }
            } catch {
                report(.failure(error))
            }
        }
    }
}

/// A job between its StartJob and the end of both the StartJob's answer and its callback.
private final class StartedJob {
    private let started = ContinuousClock.now
    private var outstanding = 2
    private let report: LoadWorker.Measured

    init(report: @escaping LoadWorker.Measured) { self.report = report }

    /// One of the two ends is in; a failure is reported at once, the latency once both have come.
    func ended(_ result: Result<Void, any Error>) {
        guard outstanding > 0 else { return }
        if case .failure(let error) = result {
            outstanding = 0
            return report(.failure(error))
        }
        outstanding -= 1
        if outstanding == 0 { report(.success((ContinuousClock.now - started).seconds)) }
    }
}
