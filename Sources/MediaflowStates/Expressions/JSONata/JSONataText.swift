import Foundation

/// JSON text as JSONata's `$string` writes it: numbers rounded to 15 significant digits and written as
/// JavaScript writes them (`0.3`, `1e-7`, `123456789012346000`), compact or indented by two spaces.
enum JSONataText {
    static func text(_ value: JSONValue, pretty: Bool) -> String {
        var out = ""
        write(value, pretty: pretty, indent: "", to: &out)
        return out
    }

    private static func write(_ value: JSONValue, pretty: Bool, indent: String, to out: inout String) {
        let inner = indent + "  "
        let (open, separator, close, colon) = pretty ? ("\n" + inner, ",\n" + inner, "\n" + indent, ": ") : ("", ",", "", ":")
        switch value {
        case .number(let number): out += self.number(number)
        case .array(let elements) where !elements.isEmpty:
            out += "[" + open
            for (offset, element) in elements.enumerated() {
                if offset > 0 { out += separator }
                write(element, pretty: pretty, indent: inner, to: &out)
            }
            out += close + "]"
        case .object(let members) where !members.isEmpty:
            out += "{" + open
            for (offset, (key, member)) in members.enumerated() {
                if offset > 0 { out += separator }
                out += JSONText.serialize(.string(key)) + colon
                write(member, pretty: pretty, indent: inner, to: &out)
            }
            out += close + "}"
        default: out += JSONText.serialize(value)
        }
    }

    /// A number as JavaScript's `Number(n.toPrecision(15)).toString()` writes it.
    static func number(_ number: Double) -> String {
        guard number.isFinite, number != 0 else { return number.isFinite ? "0" : JSONText.serialize(.number(number)) }
        guard let rounded = Double(String(format: "%.14e", number)) else { return JSONText.serialize(.number(number)) }
        // The shortest digits that read back as the number, and where its decimal point falls among them.
        let text = "\(abs(rounded))"
        let parts = text.split(separator: "e")
        var exponent = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
        let mantissa = parts[0]
        let integerDigits = mantissa.split(separator: ".", omittingEmptySubsequences: false)[0].count
        var digits = mantissa.filter { $0 != "." }
        exponent += integerDigits
        while digits.first == "0", digits.count > 1 {
            digits.removeFirst()
            exponent -= 1
        }
        while digits.last == "0", digits.count > 1 { digits.removeLast() }
        let sign = rounded < 0 ? "-" : ""
        let count = digits.count
        if count <= exponent, exponent <= 21 { return sign + digits + String(repeating: "0", count: exponent - count) }
        if 0 < exponent, exponent <= 21 { return sign + digits.prefix(exponent) + "." + digits.dropFirst(exponent) }
        if -6 < exponent, exponent <= 0 { return sign + "0." + String(repeating: "0", count: -exponent) + digits }
        let power = exponent - 1
        let fraction = count > 1 ? "." + digits.dropFirst() : ""
        return sign + digits.prefix(1) + fraction + "e" + (power < 0 ? "-" : "+") + String(abs(power))
    }
}
