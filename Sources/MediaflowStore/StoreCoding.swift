import Foundation
import MediaflowModel

/// How every database driver stores values: dates as epoch milliseconds, documents as protocol JSON, and
/// resources under the id their URL ends in.
public enum StoreCoding {
    public static func millis(_ date: Date) -> Int64 { Int64(saturating: (date.timeIntervalSince1970 * 1000).rounded()) }
    public static func date(_ millis: Int64) -> Date { Date(timeIntervalSince1970: Double(millis) / 1000) }

    public static func text(_ value: some Encodable) throws -> String { try ProtocolJSON.text(value) }

    public static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try ProtocolJSON.decode(type, from: Data(text.utf8))
    }

    /// The id of the resource at `url` in `collection`.
    /// - Throws: `StoreError.conflict` when the resource has no such URL yet.
    public static func id(of url: String?, in collection: String) throws -> String {
        guard let url, let id = ResourceLink.id(in: url, collection: collection) else {
            throw StoreError.conflict("A \(collection) needs an id URL before it is stored")
        }
        return id
    }
}
