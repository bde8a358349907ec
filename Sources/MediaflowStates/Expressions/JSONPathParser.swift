import Foundation

/// Reads JSONPath text into segments, one character at a time.
struct JSONPathParser {
    private var cursor: TextCursor

    init(_ text: String) { cursor = TextCursor(text) }

    mutating func parsePath() throws(JSONPathSyntaxError) -> (JSONPath.Root, [JSONPath.Segment]) {
        guard cursor.peek() == "$" else { throw failure("a path starts with '$'") }
        cursor.position += 1
        let root: JSONPath.Root
        if cursor.peek() == "$" {
            cursor.position += 1
            root = .context
        } else if let first = cursor.peek(), first.isLetter || first == "_" {
            root = .variable(cursor.readWhile { $0.isLetter || $0.isNumber || $0 == "_" })
        } else {
            root = .input
        }
        var segments: [JSONPath.Segment] = []
        while let next = cursor.peek() {
            segments.append(try parseSegment(next))
        }
        return (root, segments)
    }

    /// Parses a relative path after `@` inside a filter.
    mutating func parseRelative() throws(JSONPathSyntaxError) -> [JSONPath.Segment] {
        var segments: [JSONPath.Segment] = []
        while let next = cursor.peek(), next == "." || next == "[" {
            segments.append(try parseSegment(next))
        }
        return segments
    }

    private mutating func parseSegment(_ next: Character) throws(JSONPathSyntaxError) -> JSONPath.Segment {
        switch next {
        case ".":
            cursor.position += 1
            if cursor.peek() == "." {
                cursor.position += 1
                if cursor.peek() == "[" { return .descendants(try parseBracket()) }
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
        if cursor.peek() == "*" {
            cursor.position += 1
            return .wildcard
        }
        let name = cursor.readWhile { $0 != "." && $0 != "[" }
        guard !name.isEmpty else { throw failure("empty member name") }
        if name == "length()" { return .length }
        return .member(name)
    }

    private mutating func parseBracket() throws(JSONPathSyntaxError) -> JSONPath.Segment {
        cursor.position += 1  // [
        cursor.skipSpaces()
        let segment: JSONPath.Segment
        if cursor.peek() == "*" {
            cursor.position += 1
            segment = .wildcard
        } else if cursor.peek() == "?" {
            cursor.position += 1
            guard cursor.peek() == "(" else { throw failure("a filter is written [?(…)]") }
            let body = try readBalanced()
            var filterParser = FilterParser(body, path: cursor.text)
            segment = .filter(try filterParser.parse())
        } else {
            let body = cursor.readWhile { $0 != "]" }
            segment = try parseSelector(body)
        }
        cursor.skipSpaces()
        guard cursor.peek() == "]" else { throw failure("missing ']'") }
        cursor.position += 1
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
        let start = cursor.position + 1
        while let char = cursor.peek() {
            cursor.position += 1
            if let open = quote {
                if char == open { quote = nil }
                continue
            }
            switch char {
            case "'", "\"": quote = char
            case "(": depth += 1
            case ")":
                depth -= 1
                if depth == 0 { return cursor.text(from: start, dropping: 1) }
            default: break
            }
        }
        throw failure("unbalanced parentheses")
    }

    private func failure(_ reason: String) -> JSONPathSyntaxError { JSONPathSyntaxError(path: cursor.text, reason: reason) }
}
