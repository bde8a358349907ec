/// A JSONata syntax error, with the offset in the expression where it was found.
struct JSONataSyntaxError: Error, CustomStringConvertible {
    let message: String
    let offset: Int
    var description: String { "JSONata syntax error at character \(offset + 1): \(message)" }
}

/// One token of a JSONata expression.
enum JSONataToken: Equatable {
    case number(Double)
    case string(String)
    /// A field name, bare or in backquotes.
    case name(String)
    /// `$name`; `$` alone is the context, `$$` the root.
    case variable(String)
    case regex(pattern: String, flags: String)
    /// Punctuation and operators, and the words `and`, `or`, `in`.
    case symbol(String)
    case end
}

extension JSONataToken: CustomStringConvertible {
    var description: String {
        switch self {
        case .number(let number): "the number \(JSONText.serialize(.number(number)))"
        case .string(let text): "the string '\(text)'"
        case .name(let name): "the name '\(name)'"
        case .variable(let name): "$\(name)"
        case .regex(let pattern, _): "the regular expression /\(pattern)/"
        case .symbol(let symbol): "'\(symbol)'"
        case .end: "the end of the expression"
        }
    }
}

/// Splits a JSONata expression into tokens. A `/` starts a regular expression where an operand is expected,
/// and is division elsewhere.
struct JSONataLexer {
    private var cursor: TextCursor
    private(set) var offset = 0
    private var previous: JSONataToken = .end
    private var count = 0
    /// The most tokens an expression may have, which bounds how deep its syntax tree can be.
    static let longest = 1_000

    init(_ text: String) { cursor = TextCursor(text) }

    private static let symbols = ["**", "..", ":=", "!=", "<=", ">=", "~>", ".", "[", "]", "{", "}", "(", ")", ",", ":", ";", "?",
                                  "+", "-", "*", "/", "%", "&", "=", "<", ">", "^", "|", "#", "@"]

    mutating func next() throws(JSONataSyntaxError) -> JSONataToken {
        skipSpaceAndComments()
        offset = cursor.position
        count += 1
        guard count <= Self.longest else { throw JSONataSyntaxError(message: "an expression has at most \(Self.longest) tokens", offset: offset) }
        guard let char = cursor.peek() else { return remember(.end) }
        if char == "\"" || char == "'" { return remember(.string(try readString(quote: char))) }
        if char == "`" {
            cursor.position += 1
            let name = cursor.readWhile { $0 != "`" }
            guard cursor.peek() == "`" else { throw JSONataSyntaxError(message: "a name in backquotes is not closed", offset: offset) }
            cursor.position += 1
            return remember(.name(name))
        }
        if char.isNumber { return remember(.number(try readNumber())) }
        if char == "$" {
            cursor.position += 1
            if cursor.peek() == "$" {
                cursor.position += 1
                return remember(.variable("$"))
            }
            return remember(.variable(cursor.readWhile(Self.isNameCharacter)))
        }
        if char == "/" && expectsOperand { return remember(try readRegex()) }
        if Self.isNameCharacter(char) {
            let word = cursor.readWhile(Self.isNameCharacter)
            return remember(["and", "or", "in"].contains(word) ? .symbol(word) : .name(word))
        }
        for symbol in Self.symbols where matches(symbol) {
            cursor.position += symbol.count
            return remember(.symbol(symbol))
        }
        throw JSONataSyntaxError(message: "unexpected character '\(char)'", offset: offset)
    }

    /// Whether the last token leaves the expression wanting an operand (so `/` opens a regular expression).
    private var expectsOperand: Bool {
        switch previous {
        case .number, .string, .name, .variable, .regex: return false
        case .symbol(let symbol): return ![")", "]", "}"].contains(symbol)
        case .end: return true
        }
    }

    private mutating func remember(_ token: JSONataToken) -> JSONataToken {
        previous = token
        return token
    }

    /// A name runs until whitespace or a character JSONata reads as an operator or punctuation (so `héllo` and
    /// `😀` are names).
    private static func isNameCharacter(_ char: Character) -> Bool {
        !char.isWhitespace && !"`.[](){},:;?+-*/%|&=<>!~^#@$\"'".contains(char)
    }

    private func matches(_ symbol: String) -> Bool {
        for (index, char) in symbol.enumerated() where cursor.peek(index) != char { return false }
        return true
    }

    private mutating func skipSpaceAndComments() {
        while let char = cursor.peek() {
            if char.isWhitespace {
                cursor.position += 1
            } else if char == "/" && cursor.peek(1) == "*" {
                cursor.position += 2
                while cursor.position < cursor.chars.count && !(cursor.peek() == "*" && cursor.peek(1) == "/") { cursor.position += 1 }
                cursor.position = min(cursor.position + 2, cursor.chars.count)
            } else {
                return
            }
        }
    }

    private mutating func readNumber() throws(JSONataSyntaxError) -> Double {
        let start = cursor.position
        let whole = cursor.readWhile(\.isNumber)
        guard whole.count == 1 || whole.first != "0" else {
            throw JSONataSyntaxError(message: "a number does not start with 0 (\(whole))", offset: start)
        }
        if cursor.peek() == ".", cursor.peek(1)?.isNumber == true {
            cursor.position += 1
            _ = cursor.readWhile(\.isNumber)
        }
        if cursor.peek() == "e" || cursor.peek() == "E" {
            cursor.position += 1
            if cursor.peek() == "+" || cursor.peek() == "-" { cursor.position += 1 }
            _ = cursor.readWhile(\.isNumber)
        }
        guard let number = Double(cursor.text(from: start)) else {
            throw JSONataSyntaxError(message: "malformed number", offset: start)
        }
        guard number.isFinite else { throw JSONataSyntaxError(message: "the number is out of range", offset: start) }
        return number
    }

    private mutating func readString(quote: Character) throws(JSONataSyntaxError) -> String {
        cursor.position += 1
        var text = ""
        while let char = cursor.peek() {
            cursor.position += 1
            if char == quote { return text }
            guard char == "\\" else {
                text.append(char)
                continue
            }
            guard let escaped = cursor.peek() else { break }
            cursor.position += 1
            switch escaped {
            case "n": text.append("\n")
            case "t": text.append("\t")
            case "r": text.append("\r")
            case "b": text.append("\u{8}")
            case "f": text.append("\u{C}")
            case "u":
                guard var code = hexCode() else { throw JSONataSyntaxError(message: "malformed \\u escape", offset: cursor.position) }
                cursor.position += 4
                // A high surrogate and the low one after it, as JSON writes a character past U+FFFF.
                if (0xD800..<0xDC00).contains(code), cursor.peek() == "\\", cursor.peek(1) == "u" {
                    cursor.position += 2
                    guard let low = hexCode(), (0xDC00..<0xE000).contains(low) else {
                        throw JSONataSyntaxError(message: "malformed \\u escape", offset: cursor.position)
                    }
                    cursor.position += 4
                    code = 0x10000 + (code - 0xD800) << 10 + (low - 0xDC00)
                }
                guard let scalar = Unicode.Scalar(code) else { throw JSONataSyntaxError(message: "malformed \\u escape", offset: cursor.position) }
                text.unicodeScalars.append(scalar)
            case "\"", "'", "\\", "/": text.append(escaped)
            default: throw JSONataSyntaxError(message: "unknown escape \\\(escaped)", offset: cursor.position - 2)
            }
        }
        throw JSONataSyntaxError(message: "a string is not closed", offset: offset)
    }

    /// The four hexadecimal digits at the cursor, as a number.
    private func hexCode() -> UInt32? {
        let hex = String(cursor.chars[cursor.position..<min(cursor.position + 4, cursor.chars.count)])
        return hex.count == 4 ? UInt32(hex, radix: 16) : nil
    }

    private mutating func readRegex() throws(JSONataSyntaxError) -> JSONataToken {
        cursor.position += 1
        var pattern = ""
        while let char = cursor.peek(), char != "/" {
            cursor.position += 1
            pattern.append(char)
            if char == "\\", let escaped = cursor.peek() {
                cursor.position += 1
                pattern.append(escaped)
            }
        }
        guard cursor.peek() == "/" else { throw JSONataSyntaxError(message: "a regular expression is not closed", offset: offset) }
        cursor.position += 1
        guard !pattern.isEmpty else { throw JSONataSyntaxError(message: "a regular expression is empty", offset: offset) }
        return .regex(pattern: pattern, flags: cursor.readWhile { $0 == "i" || $0 == "m" })
    }
}
