import Foundation

/// A regular expression literal (`/^clip_\d+$/i`), as `$contains`, `$split`, `$replace` and `$match` take it.
struct JSONataRegex {
    let expression: NSRegularExpression

    init?(pattern: String, caseInsensitive: Bool, multiline: Bool) {
        var options: NSRegularExpression.Options = []
        if caseInsensitive { options.insert(.caseInsensitive) }
        if multiline { options.insert(.anchorsMatchLines) }
        guard let expression = try? NSRegularExpression(pattern: Self.asciiClasses(pattern), options: options) else { return nil }
        self.expression = expression
    }

    /// The pattern with `\w` and `\d` (and `\W`, `\D` outside brackets) meaning ASCII letters, digits and `_`,
    /// as in JavaScript, where ICU would take any Unicode letter or digit.
    private static func asciiClasses(_ pattern: String) -> String {
        var output = ""
        var inClass = false
        var characters = pattern[...]
        while let char = characters.popFirst() {
            if char == "\\", let next = characters.popFirst() {
                switch (next, inClass) {
                case ("w", false): output += "[A-Za-z0-9_]"
                case ("W", false): output += "[^A-Za-z0-9_]"
                case ("d", false): output += "[0-9]"
                case ("D", false): output += "[^0-9]"
                case ("w", true): output += "A-Za-z0-9_"
                case ("d", true): output += "0-9"
                default: output += "\\" + String(next)
                }
                continue
            }
            if char == "[" { inClass = true } else if char == "]" { inClass = false }
            output.append(char)
        }
        return output
    }

    func matches(_ text: String) -> Bool {
        expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    /// A match: the matched text, where it starts (in characters) and its groups (empty when one took no part).
    struct Match {
        let match: String
        let index: Int
        let groups: [String]
    }

    /// Each match in `text`.
    func matchList(in text: String) -> [Match] {
        expression.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { match(in: text, $0) }
    }

    /// The first match in `text`.
    func firstMatch(in text: String) -> Match? {
        expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)).flatMap { match(in: text, $0) }
    }

    private func match(in text: String, _ result: NSTextCheckingResult) -> Match? {
        guard let range = Range(result.range, in: text) else { return nil }
        let groups = (1..<max(result.numberOfRanges, 1)).map { number in
            Range(result.range(at: number), in: text).map { String(text[$0]) } ?? ""
        }
        return Match(match: String(text[range]), index: text.distance(from: text.startIndex, to: range.lowerBound), groups: groups)
    }

    /// `text` with each of its first `limit` matches replaced by what `replacement` gives for it.
    func replacing(in text: String, limit: Int?, by replacement: (Match) -> String) -> String {
        var output = ""
        var last = text.startIndex
        for (count, result) in expression.matches(in: text, range: NSRange(text.startIndex..., in: text)).enumerated() {
            guard limit.map({ count < $0 }) ?? true, let range = Range(result.range, in: text), let match = match(in: text, result)
            else { break }
            output += text[last..<range.lowerBound]
            output += replacement(match)
            last = range.upperBound
        }
        return output + text[last...]
    }

    /// `text` with each match replaced by `template`, in which `$0` is the match, `$1`… its groups and `$$` a `$`.
    /// (A number past the last group reads as fewer digits and the rest as text, as in JSONata.)
    func replacing(in text: String, with template: String, limit: Int?) -> String {
        replacing(in: text, limit: limit) { match in Self.expand(template, with: match) }
    }

    private static func expand(_ template: String, with match: Match) -> String {
        var output = ""
        var characters = template[...]
        while let char = characters.popFirst() {
            guard char == "$" else {
                output.append(char)
                continue
            }
            if characters.first == "$" {
                characters.removeFirst()
                output.append("$")
                continue
            }
            var digits = String(characters.prefix { $0.isASCII && $0.isNumber })
            while let number = Int(digits), number > match.groups.count, digits.count > 1 { digits.removeLast() }
            guard let number = Int(digits) else {
                output.append("$")
                continue
            }
            characters.removeFirst(digits.count)
            if number == 0 { output += match.match } else if number <= match.groups.count { output += match.groups[number - 1] }
        }
        return output
    }

    /// The pieces of `text` between the matches.
    func split(_ text: String) -> [String] {
        var pieces: [String] = []
        var last = text.startIndex
        for result in expression.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            guard let range = Range(result.range, in: text) else { continue }
            pieces.append(String(text[last..<range.lowerBound]))
            last = range.upperBound
        }
        return pieces + [String(text[last...])]
    }
}
