import Foundation

/// JSONata's string functions.
extension JSONataFunctions {
    static let strings: [String: JSONataFunction] = [
        "string": { args, _ throws(JSONataError) in
            if args.isFunction(0) { return .string("") }
            guard let value = try args.optional(0) else { return nil }
            var pretty = false
            if let flag = try args.optional(1) {
                guard case .bool(let given) = flag else { throw args.mismatch(1, "a Boolean") }
                pretty = given
            }
            return .string(string(value, pretty: pretty))
        },
        "length": { args, _ throws(JSONataError) in try args.string(0).map { .number(Double($0.count)) } },
        "uppercase": { args, _ throws(JSONataError) in try args.string(0).map { .string($0.uppercased()) } },
        "lowercase": { args, _ throws(JSONataError) in try args.string(0).map { .string($0.lowercased()) } },
        "trim": { args, _ throws(JSONataError) in
            // Spaces, tabs and line breaks, as JSONata trims them (not every Unicode space).
            try args.string(0).map { text in
                .string(text.split(whereSeparator: { $0.unicodeScalars.allSatisfy { " \t\n\r".unicodeScalars.contains($0) } })
                    .joined(separator: " "))
            }
        },
        "pad": { args, _ throws(JSONataError) in
            guard let text = try args.string(0) else { return nil }
            // No width pads nothing, as JavaScript's arithmetic on undefined has it.
            guard let width = try args.number(1) else { return .string(text) }
            let filler = try args.string(2).flatMap { $0.isEmpty ? nil : Array($0) } ?? [" "]
            let count = max(Swift.min(Int(saturating: abs(width)), 1_000_000) - text.count, 0)
            let padding = String((0..<count).map { filler[$0 % filler.count] })
            return .string(width < 0 ? padding + text : text + padding)
        },
        "substring": { args, _ throws(JSONataError) in
            guard let text = try args.string(0) else { return nil }
            let characters = Array(text)
            var start = Int(saturating: try args.number(1) ?? 0)
            if start < 0 { start = max(characters.count + start, 0) }
            start = min(start, characters.count)
            let length = try args.number(2).map { max(Int(saturating: $0), 0) } ?? characters.count
            return .string(String(characters[start..<min(start + length, characters.count)]))
        },
        "substringBefore": { args, _ throws(JSONataError) in
            guard let text = try args.string(0) else { return nil }
            // No marker is not found: the text is given whole.
            guard let marker = try args.string(1) else { return .string(text) }
            // An empty marker is found at the start, as JavaScript's indexOf finds it.
            if marker.isEmpty { return .string("") }
            return .string(text.range(of: marker).map { String(text[..<$0.lowerBound]) } ?? text)
        },
        "substringAfter": { args, _ throws(JSONataError) in
            guard let text = try args.string(0) else { return nil }
            guard let marker = try args.string(1) else { return .string(text) }
            return .string(text.range(of: marker).map { String(text[$0.upperBound...]) } ?? text)
        },
        "contains": { args, _ throws(JSONataError) in
            guard let text = try args.string(0) else { return nil }
            if let regex = args.regex(1) { return .bool(regex.matches(text)) }
            return .bool(text.contains(try args.string(1) ?? ""))
        },
        "split": { args, _ throws(JSONataError) in
            guard let text = try args.string(0) else { return nil }
            var parts: [String]
            if let regex = args.regex(1) {
                parts = regex.split(text)
            } else {
                let separator = try args.string(1) ?? ""
                parts = separator.isEmpty ? text.map(String.init) : text.components(separatedBy: separator)
            }
            if let limit = try args.number(2) { parts = Array(parts.prefix(max(Int(saturating: limit), 0))) }
            return .array(parts.map { .string($0) })
        },
        "join": { args, _ throws(JSONataError) in
            guard let values = args.array(0) else { return nil }
            let separator = try args.string(1) ?? ""
            var texts: [String] = []
            for value in values {
                guard case .string(let text) = value else { throw JSONataError("T0412: $join takes an array of strings") }
                texts.append(text)
            }
            return .string(texts.joined(separator: separator))
        },
        "replace": { args, _ throws(JSONataError) in
            guard let text = try args.string(0), let replacement = try args.string(2) else { return nil }
            let limit = try args.number(3).map { Int(saturating: $0) }
            if let regex = args.regex(1) { return .string(regex.replacing(in: text, with: replacement, limit: limit)) }
            guard let pattern = try args.string(1), !pattern.isEmpty else { throw JSONataError("D3010: $replace needs a pattern") }
            var output = ""
            var rest = Substring(text)
            var count = 0
            while limit.map({ count < $0 }) ?? true, let range = rest.range(of: pattern) {
                output += rest[..<range.lowerBound] + replacement
                rest = rest[range.upperBound...]
                count += 1
            }
            return .string(output + rest)
        },
        "match": { args, _ throws(JSONataError) in
            guard let text = try args.string(0) else { return nil }
            guard let regex = args.regex(1) else { throw args.mismatch(1, "a regular expression") }
            var found = regex.matchList(in: text)
            if let limit = try args.number(2) { found = Array(found.prefix(max(Int(saturating: limit), 0))) }
            return JSONataEvaluator.sequence(found.map(matchObject))
        },
        "base64encode": { args, _ throws(JSONataError) in try args.string(0).map { .string(Data($0.utf8).base64EncodedString()) } },
        "base64decode": { args, _ throws(JSONataError) in
            guard let text = try args.string(0) else { return nil }
            let padded = text + String(repeating: "=", count: (4 - text.count % 4) % 4)
            guard let data = Data(base64Encoded: padded), let decoded = String(data: data, encoding: .utf8) else {
                throw JSONataError("D3137: '\(text)' is not Base64 text")
            }
            return .string(decoded)
        },
        "encodeUrlComponent": { args, _ throws(JSONataError) in try encoded(args, keeping: .urlUnreservedCharacters) },
        "encodeUrl": { args, _ throws(JSONataError) in try encoded(args, keeping: .urlKeptCharacters) },
        "decodeUrlComponent": { args, _ throws(JSONataError) in try decoded(args) },
        "decodeUrl": { args, _ throws(JSONataError) in try decoded(args) },
    ]

    /// A match as `$match` gives it and `$replace` hands it to a function.
    static func matchObject(_ match: JSONataRegex.Match) -> JSONValue {
        ["match": .string(match.match), "index": .number(Double(match.index)), "groups": .array(match.groups.map { .string($0) })]
    }

    private static func encoded(_ args: Arguments, keeping allowed: CharacterSet) throws(JSONataError) -> JSONValue? {
        guard let text = try args.string(0) else { return nil }
        guard let encoded = text.addingPercentEncoding(withAllowedCharacters: allowed) else {
            throw JSONataError("D3140: '\(text)' cannot be URL-encoded")
        }
        return .string(encoded)
    }

    private static func decoded(_ args: Arguments) throws(JSONataError) -> JSONValue? {
        guard let text = try args.string(0) else { return nil }
        guard let decoded = text.removingPercentEncoding else { throw JSONataError("D3140: '\(text)' is not URL-encoded text") }
        return .string(decoded)
    }
}

extension CharacterSet {
    /// What `encodeURIComponent` leaves as it is: letters, digits and `-_.!~*'()`.
    static let urlUnreservedCharacters = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.!~*'()")
    /// What `encodeURI` leaves as it is: those, and the characters that delimit a URL's parts.
    static let urlKeptCharacters = urlUnreservedCharacters.union(CharacterSet(charactersIn: ";,/?:@&=+$#"))
}
