import Foundation

/// Picture strings, as `$formatNumber`, `$formatInteger`, `$fromMillis` and `$now` take them (a subset of
/// XPath's: decimal digits, grouping and fractions for numbers; `[Y0001]-[M01]-[D01]` components for dates, with
/// names, words and ordinals, in UTC or a given offset).
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

    /// `[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01].[f001]Z`: each bracketed component as wide as its presentation's
    /// digits; `[[` and `]]` are brackets.
    static func format(date: Date, picture: String, zone: TimeZone = TimeZone(identifier: "UTC")!) throws(JSONataError) -> String {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = zone
        let parts = calendar.dateComponents(
            [.year, .month, .day, .dayOfYear, .hour, .minute, .second, .nanosecond, .weekday, .weekOfYear, .timeZone], from: date)
        var output = ""
        var rest = Substring(picture)
        while let character = rest.first {
            rest = rest.dropFirst()
            if character == "[" && rest.first == "[" || character == "]" && rest.first == "]" {
                output.append(character)
                rest = rest.dropFirst()
            } else if character == "[" {
                guard let end = rest.firstIndex(of: "]") else { throw JSONataError("D3135: a date picture's [ is not closed") }
                let marker = rest[..<end].filter { !$0.isWhitespace }
                rest = rest[rest.index(after: end)...]
                output += try component(marker, parts)
            } else {
                output.append(character)
            }
        }
        return output
    }

    private static let monthNames = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December",
    ]
    private static let dayNames = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

    /// One component, `[letter presentation, width]`: `[D1o]` is the day as an ordinal (`25th`), `[MNn,3-3]` the
    /// month's name cut to three letters, `[Y,2]` the year's last two digits, `[FNn]` the day's name.
    private static func component(_ marker: String, _ parts: DateComponents) throws(JSONataError) -> String {
        guard let letter = marker.first else { throw JSONataError("D3134: a date picture has an empty component") }
        let pieces = marker.dropFirst().split(separator: ",", maxSplits: 1, omittingEmptySubsequences: false)
        var presentation = pieces.first ?? ""
        let widths = pieces.count > 1 ? pieces[1].split(separator: "-", omittingEmptySubsequences: false).map { Int($0) } : []
        let ordinal = presentation.count > 1 && presentation.hasSuffix("o") || presentation == "o"
        if ordinal { presentation = presentation.dropLast() }
        if presentation.isEmpty { presentation = letter == "F" ? "n" : letter == "m" || letter == "s" ? "01" : "1" }
        let value: Int
        switch letter {
        case "Y": value = parts.year ?? 0
        case "M": value = parts.month ?? 0
        case "D": value = parts.day ?? 0
        case "d": value = parts.dayOfYear ?? 0
        case "H": value = parts.hour ?? 0
        case "h": value = ((parts.hour ?? 0) + 11) % 12 + 1
        case "m": value = parts.minute ?? 0
        case "s": value = parts.second ?? 0
        case "F": value = ((parts.weekday ?? 1) + 5) % 7 + 1
        case "W": value = parts.weekOfYear ?? 0
        case "f":
            let millis = (parts.nanosecond ?? 0) / 1_000_000
            let digits = String(millis).leftPadded(to: 3)
            return String(digits.prefix(max(presentation.filter(\.isNumber).count, 1)))
        case "P": return named((parts.hour ?? 0) < 12 ? "am" : "pm", presentation)
        case "Z": return offset(parts, separator: ":")
        case "z": return "GMT" + offset(parts, separator: ":")
        default: throw JSONataError("D3132: unknown component [\(marker)] in a date picture")
        }
        var text: String
        if ["N", "n", "Nn"].contains(presentation), letter == "M" || letter == "F" {
            text = named(letter == "M" ? monthNames[value - 1] : dayNames[value - 1], presentation)
        } else if let words = JSONataIntegerPresentation(picture: presentation) {
            text = words.format(value, ordinal: ordinal)
        } else {
            text = String(value).leftPadded(to: presentation.filter(\.isNumber).count)
            if ordinal { text += JSONataIntegerPresentation.ordinalSuffix(value) }
        }
        if let widest = widths.last ?? nil, text.count > widest {
            text = letter == "Y" ? String(text.suffix(widest)) : String(text.prefix(widest))
        }
        if let narrowest = widths.first ?? nil, text.count < narrowest, text.allSatisfy(\.isNumber) { text = text.leftPadded(to: narrowest) }
        return text
    }

    private static func named(_ name: String, _ presentation: Substring) -> String {
        switch presentation {
        case "N": name.uppercased()
        case "n": name.lowercased()
        default: name
        }
    }

    /// The zone's offset from UTC, `+01:00`.
    private static func offset(_ parts: DateComponents, separator: String) -> String {
        let minutes = (parts.timeZone?.secondsFromGMT() ?? 0) / 60
        let hours = String(abs(minutes) / 60).leftPadded(to: 2)
        return (minutes < 0 ? "-" : "+") + hours + separator + String(abs(minutes) % 60).leftPadded(to: 2)
    }
}
