import Foundation

/// JSON text as JSONata's `$string` writes it: numbers rounded to 15 significant digits and written as
/// JavaScript writes them (`0.3`, `1e-7`, `123456789012346000`), compact or indented by two spaces.
enum JSONataText {
    static func text(_ value: JSONValue, pretty: Bool) -> String {
        JSONWriter.formatted(value, pretty: pretty, number: number)
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
