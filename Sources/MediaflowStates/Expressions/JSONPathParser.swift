import Foundation

/// Reads JSONPath text into segments, one character at a time.
struct JSONPathParser {
    private let text: String
    private let chars: [Character]
    private var position = 0

    init(_ text: String) {
        self.text = text
        self.chars = Array(text)
    }

    mutating func parsePath() throws(JSONPathSyntaxError) -> (JSONPath.Root, [JSONPath.Segment]) {
        guard peek() == "$" else { throw failure("a path starts with '$'") }
        position += 1
        let root: JSONPath.Root
        if peek() == "$" {
            position += 1
            root = .context
        } else if let first = peek(), first.isLetter || first == "_" {
            root = .variable(readWhile { $0.isLetter || $0.isNumber || $0 == "_" })
        } else {
            root = .input
        }
        var segments: [JSONPath.Segment] = []
        while let next = peek() {
            segments.append(try parseSegment(next))
        }
        return (root, segments)
    }

    /// Parses a relative path after `@` inside a filter.
    mutating func parseRelative() throws(JSONPathSyntaxError) -> [JSONPath.Segment] {
        var segments: [JSONPath.Segment] = []
        while let next = peek(), next == "." || next == "[" {
            segments.append(try parseSegment(next))
        }
        return segments
    }

    private mutating func parseSegment(_ next: Character) throws(JSONPathSyntaxError) -> JSONPath.Segment {
        switch next {
        case ".":
            position += 1
            if peek() == "." {
                position += 1
                if peek() == "[" { return .descendants(try parseBracket()) }
                return .descendants(try parseDotted())
            }
            return try parseDotted()
        case "[":
            return try parseBracket()
        default:
            throw failure("unexpected '\(next)'")
        }
    }

    private mutating func parseDotted() throws(JSONPathSyntaxError) -> JSONPath.Segment {
        if peek() == "*" {
            position += 1
            return .wildcard
        }
        let name = readWhile { $0 != "." && $0 != "[" }
        guard !name.isEmpty else { throw failure("empty member name") }
        if name == "length()" { return .length }
        return .member(name)
    }

    private mutating func parseBracket() throws(JSONPathSyntaxError) -> JSONPath.Segment {
        position += 1  // [
        skipSpaces()
        let segment: JSONPath.Segment
        if peek() == "*" {
            position += 1
            segment = .wildcard
        } else if peek() == "?" {
            position += 1
            guard peek() == "(" else { throw failure("a filter is written [?(…)]") }
            let body = try readBalanced()
            var filterParser = FilterParser(body, path: text)
            segment = .filter(try filterParser.parse())
        } else {
            let body = readWhile { $0 != "]" }
            segment = try parseSelector(body)
        }
        skipSpaces()
        guard peek() == "]" else { throw failure("missing ']'") }
        position += 1
        return segment
    }

    private func parseSelector(_ body: String) throws(JSONPathSyntaxError) -> JSONPath.Segment {
        let trimmed = body.trimmingCharacters(in: .whitespaces)
        if trimmed.contains(":") && !trimmed.hasPrefix("'") && !trimmed.hasPrefix("\"") {
            let parts = trimmed.split(separator: ":", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            guard parts.count <= 3 else { throw failure("a slice has at most three parts") }
            var bounds: [Int?] = []
            for part in parts {
                if part.isEmpty {
                    bounds.append(nil)
                } else if let number = Int(part) {
                    bounds.append(number)
                } else {
                    throw failure("slice bound '\(part)' is not an integer")
                }
            }
            return .slice(start: bounds[0], end: bounds.count > 1 ? bounds[1] : nil, step: bounds.count > 2 ? bounds[2] : nil)
        }
        var keys: [JSONPath.UnionKey] = []
        for part in trimmed.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            if let quote = part.first, quote == "'" || quote == "\"", part.count >= 2, part.last == quote {
                keys.append(.name(String(part.dropFirst().dropLast())))
            } else if let index = Int(part) {
                keys.append(.index(index))
            } else {
                throw failure("'\(part)' is neither a quoted name nor an index")
            }
        }
        guard let first = keys.first else { throw failure("empty brackets") }
        if keys.count == 1 {
            switch first {
            case .name(let name): return .member(name)
            case .index(let index): return .index(index)
            }
        }
        return .union(keys)
    }

    /// Reads a parenthesised group, returning its inside.
    private mutating func readBalanced() throws(JSONPathSyntaxError) -> String {
        var depth = 0
        var quote: Character?
        let start = position + 1
        while let char = peek() {
            position += 1
            if let open = quote {
                if char == open { quote = nil }
                continue
            }
            switch char {
            case "'", "\"": quote = char
            case "(": depth += 1
            case ")":
                depth -= 1
                if depth == 0 { return String(chars[start..<(position - 1)]) }
            default: break
            }
        }
        throw failure("unbalanced parentheses")
    }

    private func peek() -> Character? { position < chars.count ? chars[position] : nil }

    private mutating func skipSpaces() { _ = readWhile { $0 == " " } }

    private mutating func readWhile(_ accept: (Character) -> Bool) -> String {
        let start = position
        while let char = peek(), accept(char) { position += 1 }
        return String(chars[start..<position])
    }

    private func failure(_ reason: String) -> JSONPathSyntaxError { JSONPathSyntaxError(path: text, reason: reason) }
}
