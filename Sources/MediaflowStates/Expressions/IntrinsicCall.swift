/// A parsed intrinsic function call such as `States.Format('Hello {}', $.name)`.
public struct IntrinsicCall: Sendable, Hashable {
    /// One argument: a literal, a path, or a nested call.
    indirect enum Argument: Sendable, Hashable {
        case literal(JSONValue)
        case path(JSONPath)
        case call(IntrinsicCall)
    }

    /// The function name without the `States.` prefix, e.g. `Format`.
    let function: IntrinsicFunction
    let arguments: [Argument]

    /// Whether `text` is written as an intrinsic call.
    static func looksLikeCall(_ text: String) -> Bool { text.hasPrefix("States.") }

    /// Parses a call. - Throws: `IntrinsicSyntaxError` naming what is wrong.
    public init(_ text: String) throws(IntrinsicSyntaxError) {
        var parser = IntrinsicParser(text)
        self = try parser.parseCall()
        guard parser.isAtEnd else { throw IntrinsicSyntaxError(text: text, reason: "unexpected text after the call") }
    }

    init(function: IntrinsicFunction, arguments: [Argument]) {
        self.function = function
        self.arguments = arguments
    }
}

/// The intrinsic functions of the States Language.
enum IntrinsicFunction: String, Sendable, Hashable, CaseIterable {
    case format = "Format", stringToJson = "StringToJson", jsonToString = "JsonToString"
    case array = "Array", arrayPartition = "ArrayPartition", arrayContains = "ArrayContains"
    case arrayRange = "ArrayRange", arrayGetItem = "ArrayGetItem", arrayLength = "ArrayLength"
    case arrayUnique = "ArrayUnique", base64Encode = "Base64Encode", base64Decode = "Base64Decode"
    case hash = "Hash", jsonMerge = "JsonMerge", mathRandom = "MathRandom", mathAdd = "MathAdd"
    case stringSplit = "StringSplit", uuid = "UUID"
}

/// An intrinsic call that does not parse.
public struct IntrinsicSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    public let text: String
    public let reason: String
    public var description: String { "invalid intrinsic function '\(text)': \(reason)" }
}

/// Reads intrinsic call text: names, quoted strings with `\` escapes, numbers, booleans, null,
/// paths and nested calls.
struct IntrinsicParser {
    private var cursor: TextCursor

    init(_ text: String) { cursor = TextCursor(text) }

    var isAtEnd: Bool {
        var probe = cursor.position
        while probe < cursor.chars.count, cursor.chars[probe] == " " { probe += 1 }
        return probe == cursor.chars.count
    }

    mutating func parseCall() throws(IntrinsicSyntaxError) -> IntrinsicCall {
        cursor.skipSpaces()
        let nameStart = cursor.position
        while cursor.position < cursor.chars.count, cursor.chars[cursor.position] != "(" { cursor.position += 1 }
        let name = cursor.text(from: nameStart).trimmingSpaces
        guard name.hasPrefix("States.") else { throw failure("a function name starts with 'States.'") }
        guard let function = IntrinsicFunction(rawValue: String(name.dropFirst("States.".count))) else {
            throw failure("unknown function '\(name)'")
        }
        guard cursor.position < cursor.chars.count else { throw failure("missing '('") }
        cursor.position += 1
        var arguments: [IntrinsicCall.Argument] = []
        cursor.skipSpaces()
        if cursor.peek() == ")" {
            cursor.position += 1
            return IntrinsicCall(function: function, arguments: arguments)
        }
        while true {
            arguments.append(try parseArgument())
            cursor.skipSpaces()
            guard let next = cursor.peek() else { throw failure("missing ')'") }
            cursor.position += 1
            if next == ")" { break }
            guard next == "," else { throw failure("expected ',' or ')' but found '\(next)'") }
        }
        return IntrinsicCall(function: function, arguments: arguments)
    }

    private mutating func parseArgument() throws(IntrinsicSyntaxError) -> IntrinsicCall.Argument {
        cursor.skipSpaces()
        guard let first = cursor.peek() else { throw failure("missing argument") }
        if first == "'" { return .literal(.string(try parseString())) }
        if first == "$" {
            let pathText = readArgumentText()
            do {
                return .path(try JSONPath(pathText))
            } catch {
                throw failure(error.description)
            }
        }
        if cursor.chars[cursor.position...].starts(with: "States.") {
            return .call(try parseCall())
        }
        let word = readArgumentText()
        switch word {
        case "true": return .literal(.bool(true))
        case "false": return .literal(.bool(false))
        case "null": return .literal(.null)
        default:
            guard let number = Double(word) else { throw failure("'\(word)' is not a valid argument") }
            return .literal(.number(number))
        }
    }

    /// Reads a quoted string; `\'`, `\\`, `\{` and `\}` keep the escaped character (braces stay
    /// escaped so that `States.Format` can tell them from placeholders).
    private mutating func parseString() throws(IntrinsicSyntaxError) -> String {
        cursor.position += 1
        var out = ""
        while let char = cursor.peek() {
            cursor.position += 1
            switch char {
            case "\\":
                guard let escaped = cursor.peek() else { throw failure("dangling '\\'") }
                cursor.position += 1
                if escaped == "{" || escaped == "}" { out.append("\\") }
                out.append(escaped)
            case "'":
                return out
            default:
                out.append(char)
            }
        }
        throw failure("unterminated string")
    }

    /// Reads up to the next `,` or `)` outside brackets, parentheses and quotes.
    private mutating func readArgumentText() -> String {
        let start = cursor.position
        var depth = 0
        var quote: Character?
        while let char = cursor.peek() {
            if let open = quote {
                if char == open { quote = nil }
            } else if char == "'" || char == "\"" {
                quote = char
            } else if char == "[" || char == "(" {
                depth += 1
            } else if char == "]" || (char == ")" && depth > 0) {
                depth -= 1
            } else if depth == 0 && (char == "," || char == ")") {
                break
            }
            cursor.position += 1
        }
        return cursor.text(from: start).trimmingSpaces
    }

    private func failure(_ reason: String) -> IntrinsicSyntaxError { IntrinsicSyntaxError(text: cursor.text, reason: reason) }
}

extension String {
    var trimmingSpaces: String {
        var view = Substring(self)
        while view.first == " " { view = view.dropFirst() }
        while view.last == " " { view = view.dropLast() }
        return String(view)
    }
}
