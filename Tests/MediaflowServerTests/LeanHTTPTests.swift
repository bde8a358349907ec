import NIOCore
import Testing

@testable import MediaflowServer

/// The benchmark's lean reader takes whole messages only, however they arrive, and refuses what it cannot read.
@Suite struct LeanHTTPTests {
    @Test func aMessageIsTakenOnlyOnceItsBodyIsInAndTheNextStaysBehind() throws {
        let first = "HTTP/1.1 201 Created\r\nlocation: /Job/1\r\nContent-Length: 7\r\n\r\n{\"a\":"
        var buffer = ByteBuffer(string: first)
        #expect(try LeanHTTP.takeMessage(from: &buffer) == nil)
        buffer.writeString("1}HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nHTTP/1.1 204 No")
        let created = try #require(try LeanHTTP.takeMessage(from: &buffer))
        #expect(created.status == 201)
        #expect(created.location == "/Job/1")
        let ok = try #require(try LeanHTTP.takeMessage(from: &buffer))
        #expect(ok.status == 200)
        #expect(ok.location == nil)
        #expect(try LeanHTTP.takeMessage(from: &buffer) == nil)
        #expect(buffer.readableBytes == "HTTP/1.1 204 No".utf8.count)
    }

    @Test func aRequestTargetIsRead() throws {
        var buffer = ByteBuffer(string: "POST /arrived/abc HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}")
        #expect(try LeanHTTP.takeMessage(from: &buffer)?.target == "/arrived/abc")
    }

    @Test func aChunkedBodyIsRefused() {
        var buffer = ByteBuffer(string: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
        #expect(throws: LeanHTTP.Unreadable.self) { try LeanHTTP.takeMessage(from: &buffer) }
    }

    @Test func aMessageArrivingByteByByteIsTakenAtItsLastByte() throws {
        let message = Array("HTTP/1.1 202 Accepted\r\nLOCATION: /Job/2\r\ncontent-length: 3\r\n\r\nabc".utf8)
        var buffer = ByteBuffer()
        for (offset, byte) in message.enumerated() {
            buffer.writeInteger(byte)
            let taken = try LeanHTTP.takeMessage(from: &buffer)
            #expect((taken != nil) == (offset == message.count - 1), "after byte \(offset)")
            if let taken {
                #expect(taken.status == 202)
                #expect(taken.location == "/Job/2")
            }
        }
        #expect(buffer.readableBytes == 0)
    }

    @Test func aContentLengthThatIsNoNumberIsRefused() {
        var buffer = ByteBuffer(string: "HTTP/1.1 200 OK\r\nContent-Length: 1e3\r\n\r\n")
        #expect(throws: LeanHTTP.Unreadable.self) { try LeanHTTP.takeMessage(from: &buffer) }
    }
}
