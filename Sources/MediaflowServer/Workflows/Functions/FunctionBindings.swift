import Foundation
import MediaflowModel

/// What a function resource (a Lambda ARN in an existing state machine) runs here.
public enum FunctionBinding: Sendable, Equatable {
    /// A local program: the task's input as JSON on its standard input, its result as JSON on its
    /// standard output.
    case command([String], timeoutSeconds: Double?)
    /// An HTTP endpoint: the input POSTed as JSON, the result read from the response body.
    case http(url: String, timeoutSeconds: Double?)
    /// A Mediaflow job of this profile, run to its end as `mediaflow:job:PROFILE.sync` would.
    case job(profile: String)
}

/// The functions file (`--functions FILE`): a JSON object from a function's name or full ARN to
/// what runs it, e.g.
///
///     { "SubmitJobFunction": { "command": ["python3", "submit_job.py"] },
///       "arn:aws:lambda:eu-west-1:123456789012:function:CheckJob": { "url": "http://127.0.0.1:9000/check" },
///       "Probe": { "job": "ExtractTechnicalMetadata" } }
///
/// A binding may add `timeoutSeconds`. Relative command paths are resolved against the file's folder,
/// which is also the command's working directory.
public struct FunctionBindings: Sendable, Equatable {
    public private(set) var entries: [String: FunctionBinding] = [:]
    /// The folder commands run in.
    public private(set) var directory: String

    public init(entries: [String: FunctionBinding] = [:], directory: String = FileManager.default.currentDirectoryPath) {
        self.entries = entries
        self.directory = directory
    }

    /// Reads a functions file. - Throws: `ConfigurationError` naming the entry that is not valid.
    public init(contentsOf path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError("functions: cannot read \(path)")
        }
        guard case .object(let object)? = try? JSONParser.parse(data) else {
            throw ConfigurationError("functions: \(path) is not a JSON object")
        }
        let directory = URL(fileURLWithPath: path).standardizedFileURL.deletingLastPathComponent().path
        self.init(directory: directory)
        for (name, value) in object {
            entries[name] = try Self.binding(value, name: name, directory: directory)
        }
    }

    /// The binding of a Task's `Resource` or a `lambda:invoke` `FunctionName`: by the exact text,
    /// else by the function's name (`arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]`).
    public func binding(for resource: String) -> FunctionBinding? {
        if let exact = entries[resource] { return exact }
        return Self.functionName(resource).flatMap { entries[$0] }
    }

    /// `NAME` of `arn:aws:lambda:…:function:NAME[:QUALIFIER]`, `ACCOUNT:function:NAME` or `NAME[:QUALIFIER]`.
    static func functionName(_ resource: String) -> String? {
        let parts = resource.split(separator: ":", omittingEmptySubsequences: false)
        guard let index = parts.firstIndex(of: "function") else { return parts.count <= 2 && parts[0] != "arn" ? String(parts[0]) : nil }
        return index + 1 < parts.count ? String(parts[index + 1]) : nil
    }

    private static func binding(_ value: JSONValue, name: String, directory: String) throws -> FunctionBinding {
        let timeout = value["timeoutSeconds"]?.numberValue
        if let command = value["command"] {
            guard case .array(let items) = command, !items.isEmpty, items.allSatisfy({ $0.stringValue != nil }) else {
                throw ConfigurationError("functions: \(name).command must be a non-empty array of strings")
            }
            var arguments = items.compactMap(\.stringValue)
            if arguments[0].contains("/"), !arguments[0].hasPrefix("/") {
                arguments[0] = URL(fileURLWithPath: arguments[0], relativeTo: URL(fileURLWithPath: directory + "/")).standardizedFileURL.path
            }
            return .command(arguments, timeoutSeconds: timeout)
        }
        if let url = value["url"] {
            guard let text = url.stringValue, text.hasPrefix("http://") || text.hasPrefix("https://") else {
                throw ConfigurationError("functions: \(name).url must be an http(s) URL")
            }
            return .http(url: text, timeoutSeconds: timeout)
        }
        if let profile = value["job"] {
            guard let text = profile.stringValue, !text.isEmpty else {
                throw ConfigurationError("functions: \(name).job must name a job profile")
            }
            return .job(profile: text)
        }
        throw ConfigurationError("functions: \(name) needs one of command, url or job")
    }
}
