import Foundation

/// Absolute resource URLs such as `https://job-repository/Job/{uuid}`: how they are made and read.
public struct ResourceLink: Sendable, Hashable {
    /// The public base URL of the role that owns the resource, without a trailing slash.
    public var baseURL: String
    /// The collection path segment, such as `Job` or `StartJob`.
    public var collection: String
    /// The resource id, a lowercase UUID.
    public var id: String

    /// Makes a link from its parts.
    public init(baseURL: String, collection: String, id: String) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.collection = collection
        self.id = id
    }

    /// Reads a link of the form `BASE/COLLECTION/ID`, where BASE is an `http(s)://` URL and ID a UUID;
    /// nil when `text` is not one. (Hot path: it scans the text instead of building a `URL`.)
    public init?(parsing text: String, collection: String) {
        let utf8 = text.utf8
        guard utf8.starts(with: "http://".utf8) || utf8.starts(with: "https://".utf8),
            let idStart = utf8.lastIndex(of: UInt8(ascii: "/"))
        else { return nil }
        let id = text[text.index(after: idStart)...]
        guard Self.isUUID(id.utf8) else { return nil }
        let head = text[..<idStart]
        guard head.hasSuffix("/" + collection) else { return nil }
        let base = head.dropLast(collection.count + 1)
        guard let schemeEnd = base.range(of: "://"), base[schemeEnd.upperBound...].contains(where: { $0 != "/" }) else {
            return nil
        }
        self.init(baseURL: String(base), collection: collection, id: id.lowercased())
    }

    private static func isUUID(_ bytes: Substring.UTF8View) -> Bool {
        guard bytes.count == 36 else { return false }
        for (offset, byte) in bytes.enumerated() {
            if [8, 13, 18, 23].contains(offset) {
                guard byte == UInt8(ascii: "-") else { return false }
            } else {
                guard (48...57).contains(byte) || (97...102).contains(byte) || (65...70).contains(byte) else { return false }
            }
        }
        return true
    }

    /// The absolute URL text.
    public var url: String { "\(baseURL)/\(collection)/\(id)" }

    /// The path part, such as `/Job/{id}`, used in `Location` headers.
    public var path: String { "/\(collection)/\(id)" }

    /// A new link with a fresh random id.
    public static func new(baseURL: String, collection: String) -> ResourceLink {
        ResourceLink(baseURL: baseURL, collection: collection, id: UUID().uuidString.lowercased())
    }
}

/// The JSON-LD `@context` URL a role writes in its payloads.
public func contextURL(baseURL: String) -> String {
    (baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL) + "/context/default"
}
