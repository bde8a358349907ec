import Hummingbird
import MediaflowModel

/// The job processor's routes: `POST /StartJob`, the services' `POST /UpdateJob` and `POST /StopJob`,
/// and `POST /CancelJob`.
struct JobProcessorController<Context: RequestContext>: Sendable {
    let processor: JobProcessor
    let maxBodyBytes: Int

    func addRoutes(to router: Router<Context>) {
        router.post("/StartJob") { request, _ in
            let startJob = try await ProtocolIO.decode(StartJob.self, from: request, limit: maxBodyBytes)
            let record = try await processor.start(startJob)
            return try ProtocolIO.response(record, status: .created, location: record.id)
        }
        router.post("/UpdateJob") { request, _ in
            let report = try await ProtocolIO.decode(JobReport.self, from: request, limit: maxBodyBytes)
            return try ProtocolIO.response(try await processor.report(report, final: false))
        }
        router.post("/StopJob") { request, _ in
            let report = try await ProtocolIO.decode(JobReport.self, from: request, limit: maxBodyBytes)
            return try ProtocolIO.response(try await processor.report(report, final: true))
        }
        router.post("/CancelJob") { request, _ in
            let cancel = try await ProtocolIO.decode(CancelJob.self, from: request, limit: maxBodyBytes)
            return try ProtocolIO.response(try await processor.cancel(jobAt: cancel.job))
        }
    }
}

/// The body of `POST /CancelJob`: `{"type": "CancelJob", "job": URL}`.
struct CancelJob: Codable, Sendable {
    var type: String?
    var job: String
}
