import Foundation

/// A regular expression literal (`/^clip_\d+$/i`), as `$contains`, `$split`, `$replace` and `$match` take it.
struct JSONataRegex {
    let expression: NSRegularExpression

    init?(pattern: String, caseInsensitive: Bool, multiline: Bool) {
        var options: NSRegularExpression.Options = []
        if caseInsensitive { options.insert(.caseInsensitive) }
        if multiline { options.insert(.anchorsMatchLines) }
        guard let expression = try? NSRegularExpression(pattern: pattern, options: options) else { return nil }
        self.expression = expression
    }

    func matches(_ text: String) -> Bool {
        expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    /// Each match in `text`: the matched text, where it starts (in characters) and its groups.
    func matchList(in text: String) -> [(match: String, index: Int, groups: [String])] {
        expression.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { result in
            guard let range = Range(result.range, in: text) else { return nil }
            let groups = (1..<max(result.numberOfRanges, 1)).map { number in
                Range(result.range(at: number), in: text).map { String(text[$0]) } ?? ""
            }
            return (String(text[range]), text.distance(from: text.startIndex, to: range.lowerBound), groups)
        }
    }

    /// `text` with each match replaced by `template`, in which `$0` is the match and `$1`… its groups.
    func replacing(in text: String, with template: String, limit: Int?) -> String {
        var output = ""
        var last = text.startIndex
        for (count, result) in expression.matches(in: text, range: NSRange(text.startIndex..., in: text)).enumerated() {
            guard limit.map({ count < $0 }) ?? true, let range = Range(result.range, in: text) else { break }
            output += text[last..<range.lowerBound]
            output += expression.replacementString(for: result, in: text, offset: 0, template: template)
            last = range.upperBound
        }
        return output + text[last...]
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
