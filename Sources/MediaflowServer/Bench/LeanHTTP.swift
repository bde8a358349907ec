import NIOCore

/// The little of HTTP/1.1 the benchmarks' load generator and callback receiver read, as wrk reads it: a
/// message's start line, its `Content-Length` and `Location`, and the end of its body. Nothing chunked: the
/// servers they talk to (Mediaflow, its callbacks) give every message a length. It reads the bytes where they
/// lie, making no string but the start line and a `Location`.
enum LeanHTTP {
    /// A message's start line (`HTTP/1.1 201 Created`, `POST /arrived/KEY HTTP/1.1`) and `Location` header.
    struct Message {
        var startLine: String
        var location: String?

        /// The status code of a response; 0 when the start line has none.
        var status: Int {
            guard let word = secondWord, word.utf8.count == 3 else { return 0 }
            return Int(word) ?? 0
        }

        /// The target of a request, such as `/arrived/KEY`.
        var target: Substring { secondWord ?? "" }

        private var secondWord: Substring? {
            guard let space = startLine.utf8.firstIndex(of: UInt8(ascii: " ")) else { return nil }
            let rest = startLine[startLine.utf8.index(after: space)...]
            return rest[..<(rest.utf8.firstIndex(of: UInt8(ascii: " ")) ?? rest.endIndex)]
        }
    }

    /// What a peer sent that these readers do not take.
    struct Unreadable: Error, CustomStringConvertible {
        var description: String
    }

    /// Takes one whole message, head and body, off the front of `buffer`; nil until all of it has arrived.
    static func takeMessage(from buffer: inout ByteBuffer) throws -> Message? {
        let taken = try buffer.withUnsafeReadableBytes { bytes -> (message: Message, length: Int)? in
            guard let headLength = headLength(bytes) else {
                guard bytes.count < 64 << 10 else { throw Unreadable(description: "a message head over 64 KiB") }
                return nil
            }
            let (message, bodyLength) = try readHead(UnsafeRawBufferPointer(rebasing: bytes[..<headLength]))
            guard bytes.count >= headLength + bodyLength else { return nil }
            return (message, headLength + bodyLength)
        }
        guard let taken else { return nil }
        buffer.moveReaderIndex(forwardBy: taken.length)
        return taken.message
    }

    /// The start line, `Location` and body length of a whole head, read line by line where the lines lie.
    private static func readHead(_ head: UnsafeRawBufferPointer) throws -> (Message, bodyLength: Int) {
        var message: Message?
        var bodyLength = 0
        var lineStart = 0
        while lineStart < head.count {
            let lineEnd = head[lineStart...].firstIndex(of: UInt8(ascii: "\n")) ?? head.count
            var line = head[lineStart..<lineEnd]
            lineStart = lineEnd + 1
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            if line.isEmpty { continue }
            guard message != nil else {
                message = Message(startLine: String(decoding: line, as: UTF8.self))
                continue
            }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { continue }
            let name = line[..<colon]
            let value = line[(colon + 1)...].drop { $0 == UInt8(ascii: " ") }
            if named(name, "content-length") {
                guard value.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }), (1..<16).contains(value.count) else {
                    throw Unreadable(description: "a Content-Length of \(String(decoding: value, as: UTF8.self))")
                }
                bodyLength = value.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
            } else if named(name, "location") {
                message?.location = String(decoding: value, as: UTF8.self)
            } else if named(name, "transfer-encoding") {
                throw Unreadable(description: "a body sent as \(String(decoding: value, as: UTF8.self))")
            }
        }
        guard let message else { throw Unreadable(description: "a message without a start line") }
        return (message, bodyLength)
    }

    /// True when a header's name is `lowercased`, in any case.
    private static func named(_ name: Slice<UnsafeRawBufferPointer>, _ lowercased: StaticString) -> Bool {
        guard name.count == lowercased.utf8CodeUnitCount else { return false }
        return zip(name, UnsafeBufferPointer(start: lowercased.utf8Start, count: name.count)).allSatisfy { $0 | 0x20 == $1 }
    }

    /// The length of the head, blank line included, at the start of `bytes`; nil if it has not all arrived.
    /// It looks at the byte that would end `\r\n\r\n` and steps as far as that byte allows: four past one that
    /// is neither CR nor LF, which no `\r\n\r\n` ending in the next three bytes could contain.
    private static func headLength(_ bytes: UnsafeRawBufferPointer) -> Int? {
        guard bytes.count >= 4 else { return nil }
        var index = 3
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "\n") {
                if bytes[index - 1] == UInt8(ascii: "\r"), bytes[index - 2] == UInt8(ascii: "\n"), bytes[index - 3] == UInt8(ascii: "\r") {
                    return index + 1
                }
                index += 2
            } else {
                index += bytes[index] == UInt8(ascii: "\r") ? 1 : 4
            }
        }
        return nil
    }
}
