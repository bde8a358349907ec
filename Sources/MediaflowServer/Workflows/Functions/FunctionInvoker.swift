import AsyncHTTPClient
import Foundation
import MediaflowMedia
import MediaflowModel
import MediaflowStates
import NIOCore
import NIOHTTP1

/// Runs a function bound to a command or an HTTP endpoint, and reports its failures the way Step
/// Functions reports a Lambda's: the error is the function's `errorType` and the cause its whole
/// error document when it prints one (`{"errorType": …, "errorMessage": …}`), else `Lambda.Unknown`.
struct FunctionInvoker: Sendable {
    let httpClient: HTTPClient
    /// The limit of a binding that gives no `timeoutSeconds`.
    let defaultTimeoutSeconds: Double

    /// The function's result. - Throws: `StatesError`.
    func invoke(_ binding: FunctionBinding, name: String, input: JSONValue, directory: String) async throws -> JSONValue {
        switch binding {
        case .command(let arguments, let timeout):
            return try await runCommand(arguments, name: name, input: input, directory: directory, timeout: timeout)
        case .http(let url, let timeout):
            return try await post(url, name: name, input: input, timeout: timeout)
        case .job:
            throw StatesError(StatesError.runtime, "Function \(name) is bound to a job; the task runner starts it")
        }
    }

    private func runCommand(
        _ arguments: [String], name: String, input: JSONValue, directory: String, timeout: Double?
    ) async throws -> JSONValue {
        let seconds = timeout ?? defaultTimeoutSeconds
        // A duration holds some 10^20 seconds; a binding may write more, meaning no limit worth the name.
        let tools = ToolRunner(outputLimit: 16 << 20, timeout: .seconds(min(seconds, 1e12)))
        let outcome: ToolOutcome
        do {
            outcome = try await tools.execute(
                arguments[0], Array(arguments.dropFirst()), input: JSONText.serialize(input), workingDirectory: directory)
        } catch ToolError.timedOut {
            throw StatesError("Sandbox.Timedout", "Function \(name) timed out after \(seconds) seconds")
        } catch {
            throw StatesError("Lambda.ServiceException", "Function \(name): \(error)")
        }
        guard outcome.exitCode == 0 else {
            throw Self.failure(
                name: name, document: outcome.output,
                otherwise: "\(arguments[0]) exited with status \(outcome.exitCode): \(outcome.lastErrorLine)")
        }
        return try Self.result(name: name, text: outcome.output)
    }

    private func post(_ url: String, name: String, input: JSONValue, timeout: Double?) async throws -> JSONValue {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: JSONText.serialize(input)))
        let seconds = timeout ?? defaultTimeoutSeconds
        let status: Int
        let text: String
        do {
            let response = try await httpClient.execute(request, timeout: .milliseconds(Int64(saturating: seconds * 1000)))
            status = Int(response.status.code)
            text = String(buffer: try await response.body.collect(upTo: 16 << 20))
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            throw StatesError("Sandbox.Timedout", "Function \(name) at \(url) did not answer within \(seconds) seconds")
        } catch {
            throw StatesError("Lambda.ServiceException", "Function \(name) at \(url): \(error)")
        }
        guard (200..<300).contains(status) else {
            throw Self.failure(name: name, document: text, otherwise: "\(url) answered \(status): \(text.prefix(500))")
        }
        return try Self.result(name: name, text: text)
    }

    /// Empty output is `null`; anything else must be JSON.
    private static func result(name: String, text: String) throws -> JSONValue {
        if text.allSatisfy(\.isWhitespace) { return .null }
        guard let value = JSONText.parse(text) else {
            throw StatesError("Lambda.Unknown", "Function \(name) printed something that is not JSON: \(text.prefix(200))")
        }
        return value
    }

    private static func failure(name: String, document: String, otherwise cause: String) -> StatesError {
        if let parsed = JSONText.parse(document), let type = parsed["errorType"]?.stringValue {
            return StatesError(type, JSONText.serialize(parsed))
        }
        return StatesError("Lambda.Unknown", "Function \(name): \(cause)")
    }
}
