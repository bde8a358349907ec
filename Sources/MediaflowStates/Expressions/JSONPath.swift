/// A compiled JSONPath: `$…` into the state input, `$$…` into the context object, `$name…` into a
/// variable. The subset is the one Step Functions accepts: members, indexes, wildcards, slices,
/// unions, recursive descent, filters and `length()`.
public struct JSONPath: Sendable, Hashable, CustomStringConvertible {
    /// What the path starts from.
    public enum Root: Sendable, Hashable {
        case input
        case context
        case variable(String)
    }

    indirect enum Segment: Sendable, Hashable {
        case member(String)
        case index(Int)
        case wildcard
        case slice(start: Int?, end: Int?, step: Int?)
        case union([UnionKey])
        case filter(FilterExpression)
        case descendants(Segment)
        case length
    }

    enum UnionKey: Sendable, Hashable {
        case name(String)
        case index(Int)
    }

    public let root: Root
    let segments: [Segment]
    /// The path as written.
    public let text: String

    public var description: String { text }

    /// Whether the path names at most one value; indefinite paths yield an array of matches.
    public var isDefinite: Bool {
        segments.allSatisfy {
            switch $0 {
            case .member, .index, .length: true
            default: false
            }
        }
    }

    /// Whether the path is usable as a reference path (ResultPath): members and indexes only.
    public var isReferencePath: Bool {
        root == .input && segments.allSatisfy {
            if case .member = $0 { return true }
            if case .index = $0 { return true }
            return false
        }
    }

    /// Compiles a path. - Throws: `JSONPathSyntaxError` naming what is wrong.
    public init(_ text: String) throws(JSONPathSyntaxError) {
        var parser = JSONPathParser(text)
        (root, segments) = try parser.parsePath()
        self.text = text
    }

    /// The bracket form of the path used in Step Functions' messages: `$['a']['b'][0]`.
    var canonicalText: String {
        var out = "$"
        for segment in segments {
            switch segment {
            case .member(let name): out += "['\(name)']"
            case .index(let index): out += "[\(index)]"
            case .wildcard: out += "[*]"
            default: out += "[…]"
            }
        }
        return out
    }

    /// Every value the path selects from `root`, in document order.
    func select(from root: JSONValue) -> [JSONValue] {
        var current = [root]
        for segment in segments {
            var next: [JSONValue] = []
            for value in current { Self.apply(segment, to: value, into: &next) }
            current = next
            if current.isEmpty { break }
        }
        return current
    }

    /// The value of the path: the single match of a definite path (nil when absent), or the
    /// array of matches of an indefinite one.
    func evaluate(in root: JSONValue) -> JSONValue? {
        let matches = select(from: root)
        if isDefinite { return matches.first }
        return .array(matches)
    }

    private static func apply(_ segment: Segment, to value: JSONValue, into out: inout [JSONValue]) {
        switch segment {
        case .member(let name):
            if case .object(let members) = value, let member = members[name] { out.append(member) }
        case .index(let index):
            if case .array(let elements) = value {
                let position = index < 0 ? elements.count + index : index
                if elements.indices.contains(position) { out.append(elements[position]) }
            }
        case .wildcard:
            switch value {
            case .array(let elements): out.append(contentsOf: elements)
            case .object(let members): out.append(contentsOf: members.values)
            default: break
            }
        case .slice(let start, let end, let step):
            guard case .array(let elements) = value else { return }
            out.append(contentsOf: slice(elements, start: start, end: end, step: step))
        case .union(let keys):
            for key in keys {
                switch key {
                case .name(let name): apply(.member(name), to: value, into: &out)
                case .index(let index): apply(.index(index), to: value, into: &out)
                }
            }
        case .filter(let filter):
            let candidates: [JSONValue] =
                switch value {
                case .array(let elements): elements
                case .object(let members): members.values
                default: []
                }
            out.append(contentsOf: candidates.filter { filter.matches($0) })
        case .descendants(let inner):
            descend(value) { apply(inner, to: $0, into: &out) }
        case .length:
            switch value {
            case .array(let elements): out.append(.number(Double(elements.count)))
            case .object(let members): out.append(.number(Double(members.count)))
            case .string(let string): out.append(.number(Double(string.count)))
            default: break
            }
        }
    }

    private static func descend(_ value: JSONValue, _ visit: (JSONValue) -> Void) {
        visit(value)
        switch value {
        case .array(let elements): elements.forEach { descend($0, visit) }
        case .object(let members): members.values.forEach { descend($0, visit) }
        default: break
        }
    }

    private static func slice(_ elements: [JSONValue], start: Int?, end: Int?, step: Int?) -> [JSONValue] {
        let count = elements.count
        let step = step ?? 1
        guard step > 0 else { return [] }
        func clamp(_ bound: Int?, _ fallback: Int) -> Int {
            guard let bound else { return fallback }
            return min(max(bound < 0 ? count + bound : bound, 0), count)
        }
        let lower = clamp(start, 0)
        let upper = clamp(end, count)
        guard lower < upper else { return [] }
        return stride(from: lower, to: upper, by: step).map { elements[$0] }
    }
}

/// A JSONPath that does not parse.
public struct JSONPathSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "invalid JSONPath '\(path)': \(reason)" }
}
