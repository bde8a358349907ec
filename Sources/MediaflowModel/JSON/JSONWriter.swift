import Foundation

/// Writes compact JSON text: integral numbers without a fraction (`1`, not `1.0`), object members in
/// the order they were given, strings escaped as Foundation's `JSONEncoder` escapes them. Envelopes with a fixed member order write their own braces and use
/// `write(_:to:)` for the values.
public enum JSONWriter {
    /// The compact JSON text of a value.
    public static func text(_ value: JSONValue) -> String { written(value).text }

    /// The compact JSON text of a value, or nil when a number in it is one JSON cannot carry (NaN, infinity).
    public static func finiteText(_ value: JSONValue) -> String? {
        let (text, finite) = written(value)
        return finite ? text : nil
    }

    private static func written(_ value: JSONValue) -> (text: String, finite: Bool) {
        var out = JSONBuffer(capacity: 256)
        var finite = true
        write(value, to: &out, finite: &finite)
        return (out.string, finite)
    }

    /// JSON text for people to read: with `pretty`, each member and element on a line of its own, indented by
    /// two spaces a level, as JavaScript's `JSON.stringify(value, null, 2)` writes it; numbers as `number` writes
    /// them.
    public static func formatted(_ value: JSONValue, pretty: Bool = true, number: (Double) -> String = number) -> String {
        var out = ""
        write(value, pretty: pretty, number: number, indent: "", to: &out)
        return out
    }

    private static func write(_ value: JSONValue, pretty: Bool, number: (Double) -> String, indent: String, to out: inout String) {
        let inner = indent + "  "
        let (open, separator, close, colon) = pretty ? ("\n" + inner, ",\n" + inner, "\n" + indent, ": ") : ("", ",", "", ":")
        switch value {
        case .number(let value): out += number(value)
        case .array(let elements) where !elements.isEmpty:
            out += "[" + open
            for (offset, element) in elements.enumerated() {
                if offset > 0 { out += separator }
                write(element, pretty: pretty, number: number, indent: inner, to: &out)
            }
            out += close + "]"
        case .object(let members) where !members.isEmpty:
            out += "{" + open
            for (offset, (key, member)) in members.enumerated() {
                if offset > 0 { out += separator }
                out += text(.string(key)) + colon
                write(member, pretty: pretty, number: number, indent: inner, to: &out)
            }
            out += close + "}"
        default: out += text(value)
        }
    }

    /// Appends a value; clears `finite` on meeting a number JSON cannot carry (NaN, infinity).
    static func write(_ value: JSONValue, to out: inout JSONBuffer, finite: inout Bool) {
        switch value {
        case .null: out.append("null")
        case .bool(let flag): out.append(flag ? "true" : "false")
        case .number(let number):
            if !number.isFinite { finite = false }
            write(number: number, to: &out)
        case .string(let string): write(string: string, to: &out)
        case .array(let elements):
            out.append(byte: UInt8(ascii: "["))
            for (offset, element) in elements.enumerated() {
                if offset > 0 { out.append(byte: UInt8(ascii: ",")) }
                write(element, to: &out, finite: &finite)
            }
            out.append(byte: UInt8(ascii: "]"))
        case .object(let members):
            write(members, to: &out, finite: &finite)
        }
    }

    /// Appends an object, its members in their order.
    static func write(_ members: JSONObject, to out: inout JSONBuffer, finite: inout Bool) {
        out.append(byte: UInt8(ascii: "{"))
        for (offset, member) in members.enumerated() {
            if offset > 0 { out.append(byte: UInt8(ascii: ",")) }
            write(string: member.key, to: &out)
            out.append(byte: UInt8(ascii: ":"))
            write(member.value, to: &out, finite: &finite)
        }
        out.append(byte: UInt8(ascii: "}"))
    }

    /// The text of a number: integral values without a fraction.
    public static func number(_ value: Double) -> String {
        var out = JSONBuffer(capacity: 24)
        write(number: value, to: &out)
        return out.string
    }

    /// Appends the text of a number, integral values as digits.
    static func write(number value: Double, to out: inout JSONBuffer) {
        guard value.rounded() == value, abs(value) < 9_007_199_254_740_992 else { return out.append("\(value)") }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 17) { digits in
            var rest = Int64(value).magnitude
            var start = digits.count
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            } while rest > 0
            if value < 0 {
                start -= 1
                digits[start] = UInt8(ascii: "-")
            }
            out.append(UnsafeBufferPointer(rebasing: digits[start...]))
        }
    }

    /// Appends a string literal, escaped.
    static func write(string: String, to out: inout JSONBuffer) {
        out.append(byte: UInt8(ascii: "\""))
        // Most strings need no escape: append them whole rather than byte by byte.
        var string = string
        string.withUTF8 { bytes in
            guard bytes.contains(where: { $0 == 0x22 || $0 == 0x5C || $0 < 0x20 }) else {
                return out.append(bytes)
            }
            for byte in bytes {
                switch byte {
                case UInt8(ascii: "\""): out.append("\\\"")
                case UInt8(ascii: "\\"): out.append("\\\\")
                case UInt8(ascii: "\n"): out.append("\\n")
                case UInt8(ascii: "\r"): out.append("\\r")
                case UInt8(ascii: "\t"): out.append("\\t")
                case 0x08: out.append("\\b")
                case 0x0C: out.append("\\f")
                case ..<0x20:
                    out.append("\\u00")
                    out.append(byte: hexDigits[Int(byte >> 4)])
                    out.append(byte: hexDigits[Int(byte & 0x0F)])
                default: out.append(byte: byte)
                }
            }
        }
        out.append(byte: UInt8(ascii: "\""))
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}
