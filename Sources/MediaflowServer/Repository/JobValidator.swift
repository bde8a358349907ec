import Foundation
import MediaflowStore
import MediaflowModel

/// Checks a submitted job against the registry before it is accepted: its profile exists and suits
/// its type, every required input is there, and those of a JSON type are of it.
struct JobValidator: Sendable {
    let directory: any ServiceDirectory

    /// - Throws: `Problem` naming the first field at fault.
    func validate(_ job: Job) async throws {
        guard job.jobProfile.type == "JobProfile" else {
            throw Problem.invalidField("/jobProfile/type", "must be \"JobProfile\"")
        }
        if try await directory.profile(job.jobProfile.label) == nil { directory.invalidate() }
        guard let profile = try await directory.profile(job.jobProfile.label) else {
            let known = try await directory.profiles().map(\.label).joined(separator: ", ")
            throw Problem.invalidField("/jobProfile/label", "unknown job profile '\(job.jobProfile.label)'; known: \(known)")
        }
        if let type = profile.jobType, type != job.type {
            throw Problem.invalidField("/type", "profile \(profile.label) takes \(type.rawValue) jobs, not \(job.type.rawValue)")
        }
        for parameter in profile.inputParameters where job.input(named: parameter.parameterName) == nil {
            let pointer = parameter.parameterName == "hasRelatedResource" ? "/hasRelatedResource" : "/jobInput/\(parameter.parameterName)"
            throw Problem.invalidField(pointer, "\(parameter.parameterName) is required by profile \(profile.label)")
        }
        for parameter in profile.inputParameters + (profile.optionalInputParameters ?? []) {
            guard let type = parameter.parameterType, let value = job.jobInput?[parameter.parameterName],
                Self.isOfType(value, type) == false
            else { continue }
            throw Problem.invalidField("/jobInput/\(parameter.parameterName)", "must be a \(type)")
        }
        if let locator = job.hasRelatedResource?.locator {
            guard let url = URL(string: locator), ["file", "http", "https"].contains(url.scheme?.lowercased() ?? "") else {
                throw Problem.invalidField("/hasRelatedResource/locator", "must be a file://, http:// or https:// URL")
            }
        }
    }
}

extension JobValidator {
    /// Whether `value` is of the JSON type `type` names (`number`, `string`, `boolean`); nil for any other type,
    /// such as `BMEssence`, which is not checked here.
    static func isOfType(_ value: JSONValue, _ type: String) -> Bool? {
        switch (type, value) {
        case ("number", .number), ("string", .string), ("boolean", .bool): true
        case ("number", _), ("string", _), ("boolean", _): false
        default: nil
        }
    }
}

/// Reads `GET /Job`'s query parameters.
enum JobQueryParser {
    static func parse(_ parameters: some Sequence<(key: Substring, value: Substring)>) throws -> JobQuery {
        var query = JobQuery()
        for (key, value) in parameters {
            let text = String(value)
            switch key {
            case "status": query.status = try enumValue(JobStatus.self, text, key)
            case "type": query.type = try enumValue(JobType.self, text, key)
            case "profile": query.profile = text
            case "createdAfter": query.createdAfter = try date(text, key)
            case "createdBefore": query.createdBefore = try date(text, key)
            case "cursor":
                guard Int(text) != nil else { throw Problem.invalidParameter(key, "is not a cursor this server gave") }
                query.cursor = text
            case "limit":
                guard let limit = Int(text), (1...1000).contains(limit) else { throw Problem.invalidParameter(key, "must be 1 to 1000") }
                query.limit = limit
            default: throw Problem.invalidParameter(key, "is not a known parameter")
            }
        }
        return query
    }

    static func enumValue<T: RawRepresentable & CaseIterable>(_ type: T.Type, _ text: String, _ key: Substring)
        throws -> T where T.RawValue == String
    {
        guard let value = T(rawValue: text) else {
            throw Problem.invalidParameter(key, "must be one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return value
    }

    private static func date(_ text: String, _ key: Substring) throws -> Date {
        guard let date = Timestamp.parse(text) else { throw Problem.invalidParameter(key, "must be an ISO 8601 timestamp") }
        return date
    }
}
