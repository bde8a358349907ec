/// A record's version as an HTTP entity tag (`ETag: "3"`), and the `If-Match` test of a conditional write
/// (RFC 9110 §13.1.1): a writer that read version 3 sends `If-Match: "3"` and is refused with 412 when
/// someone else changed the record in between.
enum EntityTag {
    static func of(version: Int64) -> String { "\"\(version)\"" }

    /// Whether the `If-Match` field values `fields` let a write to the record at `version` go ahead: `*`, or
    /// a strong tag naming that version.
    static func ifMatch(_ fields: [String], allows version: Int64) -> Bool {
        let tags = fields.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        return tags.contains("*") || tags.contains(of(version: version))
    }
}
