import Foundation

/// Writes compact JSON text: integral numbers without a fraction (`1`, not `1.0`), object members in
/// key order so output is stable, strings escaped as Foundation's `JSONEncoder` escapes them. Envelopes with a fixed member order write their own braces and use
/// `write(_:to:)` for the values.
public enum JSONWriter {
    /// The compact JSON text of a value.
    public static func text(_ value: JSONValue) -> String {
        var out = ""
        write(value, to: &out)
        return out
    }

    /// Appends the compact JSON text of a value.
    public static func write(_ value: JSONValue, to out: inout String) {
        var finite = true
        write(value, to: &out, finite: &finite)
    }

    /// Appends a value; clears `finite` on meeting a number JSON cannot carry (NaN, infinity).
    static func write(_ value: JSONValue, to out: inout String, finite: inout Bool) {
        switch value {
        case .null: out += "null"
        case .bool(let flag): out += flag ? "true" : "false"
        case .number(let number):
            if !number.isFinite { finite = false }
            out += self.number(number)
        case .string(let string): write(string: string, to: &out)
        case .array(let elements):
            out += "["
            for (offset, element) in elements.enumerated() {
                if offset > 0 { out += "," }
                write(element, to: &out, finite: &finite)
            }
            out += "]"
        case .object(let members):
            write(members, to: &out, finite: &finite)
        }
    }

    /// Appends an object, its members sorted by key.
    static func write(_ members: [String: JSONValue], to out: inout String, finite: inout Bool) {
        out += "{"
        for (offset, member) in members.sorted(by: { $0.key < $1.key }).enumerated() {
            if offset > 0 { out += "," }
            write(string: member.key, to: &out)
            out += ":"
            write(member.value, to: &out, finite: &finite)
        }
        out += "}"
    }

    /// The text of a number: integral values without a fraction.
    public static func number(_ value: Double) -> String {
        if value.rounded() == value, abs(value) < 9_007_199_254_740_992 { return String(Int64(value)) }
        return "\(value)"
    }

    /// Appends a string literal, escaped.
    public static func write(string: String, to out: inout String) {
        out += "\""
        defer { out += "\"" }
        // Most strings need no escape: append them whole rather than scalar by scalar.
        let needsEscape =
            string.utf8.withContiguousStorageIfAvailable { bytes in
                bytes.contains { $0 == 0x22 || $0 == 0x5C || $0 < 0x20 }
            } ?? true
        guard needsEscape else {
            out += string
            return
        }
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case let control where control.value < 0x20:
                out += String(format: "\\u%04x", control.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
    }
}
