import Logging
import Synchronization
import Testing

@testable import MediaflowServer

@Suite struct ServerLogHandlerTests {
    /// Collects what a handler writes.
    final class Lines: TextOutputStream, Sendable {
        let text = Mutex("")
        func write(_ string: String) { text.withLock { $0 += string } }
    }

    @Test func metadataSetOnTheLoggerIsWrittenWithEachLine() {
        let lines = Lines()
        var logger = Logger(label: "test") { ServerLogHandler(lines: StreamLogHandler(label: $0, stream: lines)) }
        logger[metadataKey: "request"] = "r1"
        logger[metadataKey: "job"] = "j1"
        logger.info("started", metadata: ["job": "j2"])
        logger.debug("not written")
        let written = lines.text.withLock { $0 }
        #expect(written.hasSuffix(" info test: job=j2 request=r1 [MediaflowServerTests] started\n"))
        #expect(!written.contains("not written"))
    }
}
