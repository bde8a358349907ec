import Foundation
import HTTPTypes

/// A record's version as an HTTP entity tag (`ETag: "3"`), and the tests of conditional requests (RFC 9110
/// §13.1): a writer that read version 3 sends `If-Match: "3"` and is refused with 412 when someone else changed
/// the record in between; a reader that has version 3 sends `If-None-Match: "3"` and is told 304 Not Modified
/// while it is still current.
enum EntityTag {
    static func of(version: Int64) -> String { "\"\(version)\"" }

    /// Whether the `If-Match` field values `fields` let a write to the record at `version` go ahead: `*`, or
    /// a strong tag naming that version.
    static func ifMatch(_ fields: [String], allows version: Int64) -> Bool {
        let tags = self.tags(in: fields)
        return tags.contains("*") || tags.contains(of(version: version))
    }

    /// Whether the `If-None-Match` field values `fields` name the record at `version`, weak tags included, or
    /// (unless `orAny` is false) are `*`, which names any version: the reader has it already.
    static func ifNoneMatch(_ fields: [String], names version: Int64, orAny: Bool = true) -> Bool {
        let strong = of(version: version)
        return tags(in: fields).contains { ($0 == "*" && orAny) || $0 == strong || $0 == "W/" + strong }
    }

    private static func tags(in fields: [String]) -> [String] {
        fields.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
    }
}

extension HTTPField.Name {
    /// `Prefer` (RFC 7240), whose `wait` preference asks a long poll to wait up to so many seconds.
    static let prefer = Self("Prefer")!
    /// `Preference-Applied`: the preferences an answer honoured.
    static let preferenceApplied = Self("Preference-Applied")!
}

extension HTTPFields {
    /// The seconds of `Prefer: wait=N`, at most `limit`; nil without one, or with one that is not a positive number.
    func preferredWait(limit: Double) -> Double? {
        let preferences: [Substring] = self[values: .prefer].flatMap { $0.split(separator: ",") }
        for preference in preferences {
            let parts: [String] = preference.split(separator: "=", maxSplits: 1).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            guard parts.count == 2, parts[0].lowercased() == "wait", let seconds = Double(parts[1]), seconds > 0 else {
                continue
            }
            return Swift.min(seconds, limit)
        }
        return nil
    }
}
