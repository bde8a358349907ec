import MediaflowModel
import MediaflowStore

/// `GET /metrics` in Prometheus's text format: the store's gauges (work waiting and under way, callbacks not
/// delivered), whether the node reaches its database, and the free space of its data directory. Nodes sharing
/// a database report the same store figures, so a dashboard takes their maximum, not their sum.
enum MetricsExposition {
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// The exposition; `gauges` is nil when the store could not be read.
    static func text(gauges: StoreGauges?, freeBytes: UInt64?) -> String {
        var text = ""
        func family(_ name: String, _ help: String, _ samples: [(labels: String, value: Int)]) {
            text += "# HELP \(name) \(help)\n# TYPE \(name) gauge\n"
            for (labels, value) in samples { text += "\(name)\(labels) \(value)\n" }
        }
        family("mediaflow_database_up", "Whether the node could read its database just now (1) or not (0).", [("", gauges == nil ? 0 : 1)])
        if let freeBytes {
            family("mediaflow_data_free_bytes", "Bytes free for the data directory.", [("", Int(clamping: freeBytes))])
        }
        guard let gauges else { return text }
        family(
            "mediaflow_jobs", "Jobs not yet ended, by status.",
            JobStatus.allCases.filter { !$0.isFinal }.map { (label("status", $0.rawValue), gauges.unfinishedJobs[$0] ?? 0) })
        family(
            "mediaflow_jobs_waiting", "Started jobs no service holds yet, delayed starts among them, by job profile.",
            gauges.waitingJobs.sorted { $0.key < $1.key }.map { (label("profile", $0.key), $0.value) })
        family("mediaflow_jobs_held", "Started jobs a node or service holds.", [("", gauges.heldJobs)])
        family(
            "mediaflow_callbacks", "Callbacks not delivered: pending (to be tried again) and dead letters.",
            [OutboxState.pending, .dead].map { (label("state", $0.rawValue), gauges.undeliveredCallbacks[$0] ?? 0) })
        return text
    }

    /// `{name="value"}`, the value escaped as the format asks.
    private static func label(_ name: String, _ value: String) -> String {
        var escaped = ""
        for character in value {
            switch character {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            default: escaped.append(character)
            }
        }
        return "{\(name)=\"\(escaped)\"}"
    }
}
