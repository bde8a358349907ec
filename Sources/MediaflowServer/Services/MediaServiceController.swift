import Hummingbird
import MediaflowModel

/// A built-in service's routes: `POST /ProcessJob` (seed messages 11–12) and `DELETE /ProcessJob/{id}` to cancel.
struct MediaServiceController<Context: RequestContext>: Sendable {
    let host: MediaServiceHost
    let maxBodyBytes: Int

    func addRoutes(to router: Router<Context>) {
        router.post("/ProcessJob") { request, _ in
            let processJob = try await ProtocolIO.decode(ProcessJob.self, from: request, limit: maxBodyBytes)
            let record = try host.accept(processJob)
            let path = "/ProcessJob/" + (record.id?.split(separator: "/").last.map(String.init) ?? "")
            return try ProtocolIO.response(record, status: .created, location: path)
        }
        router.delete("/ProcessJob/:id") { _, context in
            let id = try context.parameters.require("id")
            guard host.cancel(id: id) else { throw Problem.notFound("No running ProcessJob \(id)") }
            return Response(status: .accepted)
        }
    }
}
