import Foundation
import Hummingbird
import Logging
import MediaflowModel
import MediaflowStore

/// Turns every error a route throws into `application/problem+json`: a role in another process that
/// does not answer is a 502, a store error what `storeCall` makes of it (a database out of reach a 503),
/// and an unexpected error a 500 whose incident id is logged — never a crash or a bare message.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let problem as Problem {
            throw problem
        } catch let error as HTTPError {
            throw Problem(
                error.status, slug: Self.slug(error.status), title: error.status.reasonPhrase,
                detail: error.body ?? error.status.reasonPhrase)
        } catch let error as any HTTPResponseError {
            throw Problem(
                error.status, slug: Self.slug(error.status), title: error.status.reasonPhrase,
                detail: error.status == .contentTooLarge ? "The request body is too large" : "\(error)")
        } catch let error as DecodingError {
            throw Problem(decoding: error)
        } catch let error as StoreError {
            throw error.problem
        } catch let error as TransportError {
            throw Problem.upstream("Another role did not answer: \(error)")
        } catch {
            let incident = UniqueID.make()
            context.logger.error("Unexpected error", metadata: ["incident": "\(incident)", "error": "\(error)"])
            throw Problem(
                .internalServerError, slug: "internal-error", title: "Internal error",
                detail: "The server failed; quote incident \(incident)", incident: incident)
        }
    }

    private static func slug(_ status: HTTPResponse.Status) -> String {
        status.reasonPhrase.lowercased().replacingOccurrences(of: " ", with: "-")
    }
}
