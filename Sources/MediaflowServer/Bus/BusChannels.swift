import MediaflowModel
import Synchronization

/// Publish/subscribe on named channels (`media.ingest.done`). A subscription pattern matches
/// segment by segment, `*` standing for exactly one segment and `#` for zero or more. Individual
/// subscribers each get every message; the members of a shared group take turns.
final class BusChannels: Sendable {
    typealias Deliver = @Sendable (_ channel: String, _ message: JSONValue, _ context: JSONValue) async -> Void

    private struct Subscription {
        var subscriber: String
        var pattern: ChannelPattern
        var group: String?
        var deliver: Deliver
    }
    private let state = Mutex<(subscriptions: [Subscription], cursors: [String: Int])>(([], [:]))

    func subscribe(_ subscriber: String, to pattern: ChannelPattern, group: String?, deliver: @escaping Deliver) {
        state.withLock { state in
            state.subscriptions.removeAll { $0.subscriber == subscriber && $0.pattern == pattern && $0.group == group }
            state.subscriptions.append(Subscription(subscriber: subscriber, pattern: pattern, group: group, deliver: deliver))
        }
    }

    func unsubscribe(_ subscriber: String, from pattern: ChannelPattern? = nil) {
        state.withLock { state in
            state.subscriptions.removeAll { $0.subscriber == subscriber && (pattern == nil || $0.pattern == pattern) }
        }
    }

    /// Delivers a message to the matching subscribers; returns how many it went to.
    @discardableResult
    func publish(_ message: JSONValue, on channel: String, context: JSONValue) async -> Int {
        let segments = channel.split(separator: ".", omittingEmptySubsequences: false)
        let targets: [Deliver] = state.withLock { state in
            var targets: [Deliver] = []
            var groups: [String: [Subscription]] = [:]
            for subscription in state.subscriptions where subscription.pattern.matches(segments) {
                if let group = subscription.group {
                    groups[group + "\u{0}" + subscription.pattern.text, default: []].append(subscription)
                } else {
                    targets.append(subscription.deliver)
                }
            }
            for (key, members) in groups {
                let turn = state.cursors[key, default: 0]
                state.cursors[key] = turn &+ 1
                targets.append(members[turn % members.count].deliver)
            }
            return targets
        }
        for deliver in targets { await deliver(channel, message, context) }
        return targets.count
    }
}

/// A channel name or subscription pattern: dot-separated segments, `*` and `#` wildcards.
struct ChannelPattern: Hashable, Sendable {
    let text: String
    private let segments: [Substring]

    /// - Throws: `BusFault` when the pattern has an empty segment or a wildcard inside a segment.
    init(_ text: String, field: String = "channel", wildcards: Bool = true) throws(BusFault) {
        let segments = text.split(separator: ".", omittingEmptySubsequences: false)
        guard !text.isEmpty, !segments.contains(where: \.isEmpty) else {
            throw .malformed(field, "must be dot-separated non-empty names")
        }
        for segment in segments where segment != "*" && segment != "#" {
            if segment.contains("*") || segment.contains("#") {
                throw .malformed(field, "may use * and # only as whole segments")
            }
        }
        if !wildcards, segments.contains(where: { $0 == "*" || $0 == "#" }) {
            throw .malformed(field, "names one channel, so it cannot contain * or #")
        }
        self.text = text
        self.segments = segments
    }

    func matches(_ channel: [Substring]) -> Bool { Self.match(segments[...], channel[...]) }

    private static func match(_ pattern: ArraySlice<Substring>, _ channel: ArraySlice<Substring>) -> Bool {
        guard let head = pattern.first else { return channel.isEmpty }
        if head == "#" {
            let rest = pattern.dropFirst()
            return (channel.startIndex...channel.endIndex).contains { match(rest, channel[$0...]) }
        }
        guard let segment = channel.first, head == "*" || head == segment else { return false }
        return match(pattern.dropFirst(), channel.dropFirst())
    }

    static func == (lhs: ChannelPattern, rhs: ChannelPattern) -> Bool { lhs.text == rhs.text }
    func hash(into hasher: inout Hasher) { hasher.combine(text) }
}
