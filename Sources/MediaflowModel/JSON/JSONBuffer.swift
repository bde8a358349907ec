import Foundation

/// JSON text as it is written: UTF-8 bytes appended to one buffer, made a `String` once at the end.
/// Appended to a `String` piece by piece, with its storage and flags checked at every piece, a job's
/// document took twice as long to write.
struct JSONBuffer {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int) { bytes.reserveCapacity(capacity) }

    /// The text written so far.
    var string: String { String(decoding: bytes, as: UTF8.self) }

    mutating func append(_ literal: StaticString) {
        literal.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func append(byte: UInt8) { bytes.append(byte) }

    /// Appends `text` as it is, unescaped.
    mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    mutating func append(_ utf8: UnsafeBufferPointer<UInt8>) { bytes.append(contentsOf: utf8) }

    /// Appends a timestamp as `Timestamp.format` writes it.
    mutating func append(_ date: Date) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { text in
            guard let count = Timestamp.write(date, into: text) else { return append(Timestamp.format(date)) }
            append(UnsafeBufferPointer(rebasing: text[..<count]))
        }
    }
}
