/// Text read one character at a time: the JSONPath, intrinsic-function and JSONata parsers' common ground.
struct TextCursor {
    let text: String
    let chars: [Character]
    var position = 0

    init(_ text: String) {
        self.text = text
        self.chars = Array(text)
    }

    /// The character `ahead` places on, or nil past the end.
    func peek(_ ahead: Int = 0) -> Character? { position + ahead < chars.count ? chars[position + ahead] : nil }

    mutating func skipSpaces() { _ = readWhile { $0 == " " } }

    /// Reads characters while `accept` holds and returns them.
    mutating func readWhile(_ accept: (Character) -> Bool) -> String {
        let start = position
        while let char = peek(), accept(char) { position += 1 }
        return String(chars[start..<position])
    }

    /// The text from `start` up to the current position.
    func text(from start: Int, dropping last: Int = 0) -> String { String(chars[start..<(position - last)]) }
}
