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

    /// Reads a link of the form `BASE/COLLECTION/ID`; nil when `text` is not one.
    public init?(parsing text: String, collection: String) {
        guard let url = URL(string: text), let scheme = url.scheme, ["http", "https"].contains(scheme),
            url.host != nil
        else { return nil }
        let parts = url.path.split(separator: "/", omittingEmptySubsequences: true)
        guard parts.count >= 2, parts[parts.count - 2] == collection,
            UUID(uuidString: String(parts[parts.count - 1])) != nil
        else { return nil }
        let suffix = "/\(collection)/\(parts[parts.count - 1])"
        guard let range = text.range(of: suffix, options: .backwards) else { return nil }
        self.init(baseURL: String(text[..<range.lowerBound]), collection: collection, id: String(parts.last!).lowercased())
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
