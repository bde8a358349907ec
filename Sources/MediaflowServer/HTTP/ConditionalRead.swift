import HTTPTypes
import Hummingbird

/// A `GET` of a versioned record (a job, an execution) that a client can make conditional and long. The
/// answer carries the record's version as its `ETag`. With `If-None-Match` naming that version it is 304 Not
/// Modified; with `Prefer: wait=N` as well (RFC 7240, up to a minute) it waits until the record changes and
/// brings it at once, or is 304 after N seconds. So a client follows every change of a record with one request
/// per change. Each check reads the record as a plain `GET` does, so a change made by another node sharing the
/// database is seen too.
enum ConditionalRead {
    /// The longest wait a client may ask for.
    static let longestWait: Double = 60

    /// Answers `headers`' read of the record that `read` gives, which `respond` writes with its entity tag.
    /// - Throws: what `read` throws (a record that does not exist, or is gone during the wait).
    static func answer<Record>(
        _ headers: HTTPFields, reading read: () async throws -> Record, version: (Record) -> Int64,
        respond: (Record, _ entityTag: String) throws -> Response
    ) async throws -> Response {
        let known = headers[values: .ifNoneMatch]
        var record = try await read()
        var applied: HTTPFields = [:]
        if EntityTag.ifNoneMatch(known, names: version(record), orAny: false),
            let wait = headers.preferredWait(limit: longestWait)
        {
            let unchanged = version(record)
            let changed = try await LongPoll.wait(
                timeout: .seconds(wait), interval: .milliseconds(5), slowingTo: .milliseconds(250)
            ) {
                let current = try await read()
                return version(current) == unchanged ? nil : current
            }
            record = changed ?? record
            applied[.preferenceApplied] = "wait=\(Int(wait.rounded(.up)))"
        }
        let tag = EntityTag.of(version: version(record))
        if EntityTag.ifNoneMatch(known, names: version(record)) {
            applied[.eTag] = tag
            return Response(status: .notModified, headers: applied)
        }
        var response = try respond(record, tag)
        response.headers.append(contentsOf: applied)
        return response
    }
}
