import Foundation

/// Number pictures, as `$formatNumber` and `$formatInteger` take them (a subset of XPath's: decimal digits,
/// grouping and fractions). Date pictures are `JSONataDatePicture`'s.
enum JSONataPictures {
    /// `1234.5` with `#,##0.00` is `1,234.50`; `0.25` with `0%` is `25%`. A `;` separates a picture for
    /// negative numbers, which otherwise take a minus sign.
    static func format(number: Double, picture: String) throws(JSONataError) -> String {
        let pictures = picture.split(separator: ";", omittingEmptySubsequences: false).map(String.init)
        let chosen = number < 0 && pictures.count > 1 ? pictures[1] : pictures[0]
        let active: Set<Character> = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "#", ".", ","]
        let characters = Array(chosen)
        guard let first = characters.firstIndex(where: active.contains), let last = characters.lastIndex(where: active.contains) else {
            throw JSONataError("D3085: the picture '\(picture)' has no digits")
        }
        let prefix = String(characters[..<first])
        let suffix = String(characters[(last + 1)...])
        let mantissa = String(characters[first...last])
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { throw JSONataError("D3081: the picture '\(picture)' has more than one decimal separator") }
        let integerPicture = parts[0]
        let fractionPicture = parts.count > 1 ? parts[1] : ""
        let minimumIntegerDigits = integerPicture.filter(\.isNumber).count
        let minimumFractionDigits = fractionPicture.filter(\.isNumber).count
        let maximumFractionDigits = fractionPicture.filter { $0.isNumber || $0 == "#" }.count
        let grouping = integerPicture.lastIndex(of: ",").map { integerPicture.distance(from: $0, to: integerPicture.endIndex) - 1 }

        var value = abs(number)
        if (prefix + suffix).contains("%") { value *= 100 }
        if (prefix + suffix).contains("‰") { value *= 1000 }
        var digits = String(format: "%.\(maximumFractionDigits)f", value)
        var fraction = ""
        if let dot = digits.firstIndex(of: ".") {
            fraction = String(digits[digits.index(after: dot)...])
            digits = String(digits[..<dot])
        }
        while fraction.count > minimumFractionDigits, fraction.hasSuffix("0") { fraction.removeLast() }
        if minimumIntegerDigits == 0, digits == "0" { digits = "" }
        if digits.count < minimumIntegerDigits { digits = String(repeating: "0", count: minimumIntegerDigits - digits.count) + digits }
        if let grouping, grouping > 0 {
            var grouped = ""
            for (offset, digit) in digits.reversed().enumerated() {
                if offset > 0, offset % grouping == 0 { grouped.append(",") }
                grouped.append(digit)
            }
            digits = String(grouped.reversed())
        }
        let sign = number < 0 && pictures.count == 1 ? "-" : ""
        return sign + prefix + digits + (fraction.isEmpty ? "" : "." + fraction) + suffix
    }
}
