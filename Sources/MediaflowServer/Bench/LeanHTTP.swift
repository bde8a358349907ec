import NIOCore

/// The little of HTTP/1.1 the benchmarks' load generator and callback receiver read, as wrk reads it: a
/// message's start line, its `Content-Length` and `Location`, and the end of its body. Nothing chunked: the
/// servers they talk to (Mediaflow, its callbacks) give every message a length.
enum LeanHTTP {
    /// A message's start line (`HTTP/1.1 201 Created`, `POST /arrived/KEY HTTP/1.1`) and `Location` header.
    struct Message {
        var startLine: String
        var location: String?

        /// The status code of a response; 0 when the start line has none.
        var status: Int { startLine.split(separator: " ", maxSplits: 2).dropFirst().first.flatMap { Int($0) } ?? 0 }

        /// The target of a request, such as `/arrived/KEY`.
        var target: Substring { startLine.split(separator: " ", maxSplits: 2).dropFirst().first ?? "" }
    }

    /// What a peer sent that these readers do not take.
    struct Unreadable: Error, CustomStringConvertible {
        var description: String
    }

    private static let headEnd = Array("\r\n\r\n".utf8)

    /// Takes one whole message, head and body, off the front of `buffer`; nil until all of it has arrived.
    static func takeMessage(from buffer: inout ByteBuffer) throws -> Message? {
        guard let headLength = Self.headLength(buffer.readableBytesView) else {
            guard buffer.readableBytes < 64 << 10 else { throw Unreadable(description: "a message head over 64 KiB") }
            return nil
        }
        let head = buffer.getString(at: buffer.readerIndex, length: headLength)!
        var lines = head.split(separator: "\r\n", omittingEmptySubsequences: true)[...]
        guard let startLine = lines.popFirst() else { throw Unreadable(description: "a message without a start line") }
        var message = Message(startLine: String(startLine))
        var bodyLength = 0
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let value = line[line.index(after: colon)...].trimmingPrefix(" ")
            switch line[..<colon].lowercased() {
            case "content-length": bodyLength = Int(value) ?? 0
            case "location": message.location = String(value)
            case "transfer-encoding": throw Unreadable(description: "a body sent as \(value)")
            default: break
            }
        }
        guard buffer.readableBytes >= headLength + bodyLength else { return nil }
        buffer.moveReaderIndex(forwardBy: headLength + bodyLength)
        return message
    }

    /// The length of the head, blank line included, at the start of `bytes`; nil if it has not all arrived.
    private static func headLength(_ bytes: some Collection<UInt8>) -> Int? {
        var matched = 0
        for (offset, byte) in bytes.enumerated() {
            matched = byte == headEnd[matched] ? matched + 1 : (byte == headEnd[0] ? 1 : 0)
            if matched == headEnd.count { return offset + 1 }
        }
        return nil
    }
}
