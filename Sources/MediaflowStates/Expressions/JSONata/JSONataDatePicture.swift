import Foundation

/// Date pictures, as `$now`, `$fromMillis` and `$toMillis` take them (XPath's, as JSONata has them):
/// `[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01].[f001][Z]`, with names (`[MNn]`, `[FNn,3-3]`), ordinals (`[D1o]`),
/// words and widths (`[Y,2]`); `[[` and `]]` are brackets.
enum JSONataDatePicture {
    /// A piece of a picture: text as it is, or a bracketed component.
    enum Piece {
        case text(Character)
        case component(Marker)
    }

    /// A component: its letter, presentation (`01`, `Nn`, `w`, …), whether an ordinal, and its widths.
    struct Marker {
        let letter: Character
        let presentation: Substring
        let ordinal: Bool
        let narrowest: Int?
        let widest: Int?

        init(_ marker: String) throws(JSONataError) {
            guard let letter = marker.first else { throw JSONataError("D3134: a date picture has an empty component") }
            let pieces = marker.dropFirst().split(separator: ",", maxSplits: 1, omittingEmptySubsequences: false)
            var presentation = pieces.first ?? ""
            let widths = pieces.count > 1 ? pieces[1].split(separator: "-", omittingEmptySubsequences: false).map { Int($0) } : []
            ordinal = presentation.count > 1 && presentation.hasSuffix("o") || presentation == "o"
            if ordinal { presentation = presentation.dropLast() }
            if presentation.isEmpty { presentation = letter == "F" ? "n" : letter == "m" || letter == "s" ? "01" : "1" }
            self.letter = letter
            self.presentation = presentation
            narrowest = widths.first ?? nil
            widest = widths.last ?? nil
        }

        /// Whether the component is written as a name (`October`, `Wed`).
        var isName: Bool { ["N", "n", "Nn"].contains(presentation) && (letter == "M" || letter == "F") }
        /// How many digits the presentation asks for (`0001` is 4).
        var digits: Int { presentation.filter(\.isNumber).count }
    }

    static func pieces(of picture: String) throws(JSONataError) -> [Piece] {
        var pieces: [Piece] = []
        var rest = Substring(picture)
        while let character = rest.first {
            rest = rest.dropFirst()
            if character == "[" && rest.first == "[" || character == "]" && rest.first == "]" {
                pieces.append(.text(character))
                rest = rest.dropFirst()
            } else if character == "[" {
                guard let end = rest.firstIndex(of: "]") else { throw JSONataError("D3135: a date picture's [ is not closed") }
                pieces.append(.component(try Marker(rest[..<end].filter { !$0.isWhitespace })))
                rest = rest[rest.index(after: end)...]
            } else {
                pieces.append(.text(character))
            }
        }
        return pieces
    }

    static let monthNames = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December",
    ]
    static let dayNames = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

    static var utc: TimeZone { TimeZone(identifier: "UTC")! }

    static func calendar(in zone: TimeZone) -> Calendar {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = zone
        return calendar
    }

    /// A date written in the picture, in `zone`.
    static func format(date: Date, picture: String, zone: TimeZone = utc) throws(JSONataError) -> String {
        let parts = calendar(in: zone).dateComponents(
            [.year, .month, .day, .dayOfYear, .hour, .minute, .second, .nanosecond, .weekday, .weekOfYear, .timeZone], from: date)
        var output = ""
        for piece in try pieces(of: picture) {
            switch piece {
            case .text(let character): output.append(character)
            case .component(let marker): output += try component(marker, parts)
            }
        }
        return output
    }

    private static func component(_ marker: Marker, _ parts: DateComponents) throws(JSONataError) -> String {
        let value: Int
        switch marker.letter {
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
            return String(String(millis).leftPadded(to: 3).prefix(max(marker.digits, 1)))
        case "P": return named((parts.hour ?? 0) < 12 ? "am" : "pm", marker.presentation)
        case "Z": return offset(parts.timeZone?.secondsFromGMT() ?? 0)
        case "z": return "GMT" + offset(parts.timeZone?.secondsFromGMT() ?? 0)
        default: throw JSONataError("D3132: unknown component [\(marker.letter)\(marker.presentation)] in a date picture")
        }
        var text: String
        if marker.isName {
            text = named(marker.letter == "M" ? monthNames[value - 1] : dayNames[value - 1], marker.presentation)
        } else if let words = JSONataIntegerPresentation(picture: marker.presentation) {
            text = words.format(value, ordinal: marker.ordinal)
        } else {
            text = String(value).leftPadded(to: marker.digits)
            if marker.ordinal { text += JSONataIntegerPresentation.ordinalSuffix(value) }
        }
        if let widest = marker.widest, text.count > widest {
            text = marker.letter == "Y" ? String(text.suffix(widest)) : String(text.prefix(widest))
        }
        if let narrowest = marker.narrowest, text.count < narrowest, text.allSatisfy(\.isNumber) { text = text.leftPadded(to: narrowest) }
        return text
    }

    static func named(_ name: String, _ presentation: Substring) -> String {
        switch presentation {
        case "N": name.uppercased()
        case "n": name.lowercased()
        default: name
        }
    }

    /// An offset from UTC in seconds, as `+01:00`.
    private static func offset(_ seconds: Int) -> String {
        let minutes = seconds / 60
        return (minutes < 0 ? "-" : "+") + String(abs(minutes) / 60).leftPadded(to: 2) + ":" + String(abs(minutes) % 60).leftPadded(to: 2)
    }
}
