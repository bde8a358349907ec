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
        guard let (base, id) = Self.read(text, collection: collection, base: true) else { return nil }
        self.baseURL = base
        self.collection = collection
        self.id = id
    }

    /// The id, in lowercase, of the link `text` to a resource in `collection`; nil when `text` is not one.
    public static func id(in text: String, collection: String) -> String? {
        read(text, collection: collection, base: false)?.id
    }

    /// Whether `text` is a link to a resource in `collection`; makes no string.
    public static func isLink(_ text: String, collection: String) -> Bool {
        var text = text
        return text.withUTF8 { baseEnd(ofLink: $0, collection: collection) != nil }
    }

    /// The base (when `base`, else empty) and lowercased id of the link `text`.
    private static func read(_ text: String, collection: String, base: Bool) -> (base: String, id: String)? {
        var text = text
        return text.withUTF8 { bytes in
            guard let baseEnd = baseEnd(ofLink: bytes, collection: collection) else { return nil }
            let idStart = bytes.count - uuidLength
            let id = String(unsafeUninitializedCapacity: uuidLength) { out in
                for offset in 0..<uuidLength {
                    let byte = bytes[idStart + offset]
                    out[offset] = (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte) ? byte + 32 : byte
                }
                return uuidLength
            }
            let baseText = base ? String(decoding: bytes[..<baseEnd], as: UTF8.self) : ""
            return (baseText, id)
        }
    }

    private static let uuidLength = 36

    /// Where the base ends when `bytes` are `http(s)://HOST…/COLLECTION/UUID`; nil when they are not.
    private static func baseEnd(ofLink bytes: UnsafeBufferPointer<UInt8>, collection: String) -> Int? {
        let schemeLength = bytes.starts(with: "https://".utf8) ? 8 : bytes.starts(with: "http://".utf8) ? 7 : 0
        let baseEnd = bytes.count - uuidLength - collection.utf8.count - 2
        guard schemeLength > 0, baseEnd > schemeLength,
            bytes[baseEnd] == UInt8(ascii: "/"), bytes[bytes.count - uuidLength - 1] == UInt8(ascii: "/"),
            bytes[(baseEnd + 1)...].starts(with: collection.utf8),
            bytes[schemeLength..<baseEnd].contains(where: { $0 != UInt8(ascii: "/") }),
            isUUID(bytes[(bytes.count - uuidLength)...])
        else { return nil }
        return baseEnd
    }

    /// Whether `bytes` are a UUID's 36 characters, hex digits in either case.
    private static func isUUID(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        bytes.count == uuidLength
            && bytes.enumerated().allSatisfy { offset, byte in
                switch offset {
                case 8, 13, 18, 23: byte == UInt8(ascii: "-")
                default:
                    (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
                        || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
                }
            }
    }

    /// The absolute URL text.
    public var url: String { Self.joined(baseURL, collection, id) }

    /// The path part, such as `/Job/{id}`, used in `Location` headers.
    public var path: String { Self.joined("", collection, id) }

    /// `base/collection/id`, made in one allocation (interpolated, it took two).
    private static func joined(_ base: String, _ collection: String, _ id: String) -> String {
        let length = base.utf8.count + collection.utf8.count + id.utf8.count + 2
        return String(unsafeUninitializedCapacity: length) { out in
            var count = 0
            func append(_ part: String) {
                var part = part
                part.withUTF8 { bytes in
                    _ = UnsafeMutableBufferPointer(rebasing: out[count...]).initialize(fromContentsOf: bytes)
                    count += bytes.count
                }
            }
            append(base)
            append("/")
            append(collection)
            append("/")
            append(id)
            return count
        }
    }

    /// A new link with a fresh random id.
    public static func new(baseURL: String, collection: String) -> ResourceLink {
        ResourceLink(baseURL: baseURL, collection: collection, id: UniqueID.make())
    }
}

/// The JSON-LD `@context` URL a role writes in its payloads.
public func contextURL(baseURL: String) -> String {
    (baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL) + "/context/default"
}
