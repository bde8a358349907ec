import Logging

/// Writes the lines swift-log's `StreamLogHandler` writes, to standard error, but renders a logger's
/// metadata only when a line is written. Hummingbird gives the logger of every request an id of its own,
/// and `StreamLogHandler` renders all its metadata each time one item changes: a request paid for a line
/// it almost never writes.
struct ServerLogHandler: LogHandler {
    private var lines: StreamLogHandler
    var metadata: Logger.Metadata = [:]

    /// - Parameter lines: what writes the lines (standard error unless a test says otherwise).
    init(lines: StreamLogHandler) { self.lines = lines }

    var logLevel: Logger.Level {
        get { lines.logLevel }
        set { lines.logLevel = newValue }
    }

    var metadataProvider: Logger.MetadataProvider? {
        get { lines.metadataProvider }
        set { lines.metadataProvider = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var event = event
        event.metadata = metadata.merging(event.metadata ?? [:]) { _, explicit in explicit }
        lines.log(event: event)
    }
}

extension Logger {
    /// A server's logger: lines to standard error, metadata rendered only for a line written.
    public static func server(label: String, level: Logger.Level) -> Logger {
        var logger = Logger(label: label) { ServerLogHandler(lines: .standardError(label: $0)) }
        logger.logLevel = level
        return logger
    }
}
