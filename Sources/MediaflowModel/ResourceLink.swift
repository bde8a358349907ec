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
    /// nil when `text` is not one. (Hot path: it scans the bytes instead of building a `URL`.)
    public init?(parsing text: String, collection: String) {
        var text = text
        let parsed: (base: String, id: String)? = text.withUTF8 { bytes in
            let schemeLength = bytes.starts(with: "https://".utf8) ? 8 : bytes.starts(with: "http://".utf8) ? 7 : 0
            let idLength = 36
            let collectionLength = collection.utf8.count
            let baseEnd = bytes.count - idLength - collectionLength - 2
            guard schemeLength > 0, baseEnd > schemeLength,
                bytes[baseEnd] == UInt8(ascii: "/"), bytes[bytes.count - idLength - 1] == UInt8(ascii: "/"),
                bytes[(baseEnd + 1)...].starts(with: collection.utf8),
                bytes[schemeLength..<baseEnd].contains(where: { $0 != UInt8(ascii: "/") }),
                let id = Self.lowercasedUUID(bytes[(bytes.count - idLength)...])
            else { return nil }
            return (String(decoding: bytes[..<baseEnd], as: UTF8.self), id)
        }
        guard let parsed else { return nil }
        self.baseURL = parsed.base
        self.collection = collection
        self.id = parsed.id
    }

    /// The UUID in `bytes` in lowercase, or nil when the bytes are not a UUID.
    private static func lowercasedUUID(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> String? {
        guard bytes.count == 36 else { return nil }
        var lowered = [UInt8]()
        lowered.reserveCapacity(36)
        for (offset, byte) in bytes.enumerated() {
            switch offset {
            case 8, 13, 18, 23:
                guard byte == UInt8(ascii: "-") else { return nil }
                lowered.append(byte)
            default:
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"): lowered.append(byte)
                case UInt8(ascii: "A")...UInt8(ascii: "F"): lowered.append(byte + 32)
                default: return nil
                }
            }
        }
        return String(decoding: lowered, as: UTF8.self)
    }

    /// The absolute URL text.
    public var url: String { "\(baseURL)/\(collection)/\(id)" }

    /// The path part, such as `/Job/{id}`, used in `Location` headers.
    public var path: String { "/\(collection)/\(id)" }

    /// A new link with a fresh random id.
    public static func new(baseURL: String, collection: String) -> ResourceLink {
        ResourceLink(baseURL: baseURL, collection: collection, id: UniqueID.make())
    }
}

/// The JSON-LD `@context` URL a role writes in its payloads.
public func contextURL(baseURL: String) -> String {
    (baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL) + "/context/default"
}
