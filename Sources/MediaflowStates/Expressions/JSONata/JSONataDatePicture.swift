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

    /// A component: its letter, presentation (`01`, `#1`, `9,999`, `Nn`, `w`, `I`…), modifier (`o` for an
    /// ordinal, `t` for `Z` at UTC), and widths (`[MNn,3-3]`, `[Y,2]`).
    struct Marker {
        let letter: Character
        let presentation: Substring
        let modifier: Character?
        let narrowest: Int?
        let widest: Int?

        init(_ marker: String) throws(JSONataError) {
            guard let letter = marker.first else { throw JSONataError("D3134: a date picture has an empty component") }
            var rest = marker.dropFirst()
            var widths: [Int?] = [nil, nil]
            if let comma = rest.lastIndex(of: ",") {
                let width = rest[rest.index(after: comma)...].split(separator: "-", omittingEmptySubsequences: false)
                widths = [Int(width[0]), width.count > 1 ? Int(width[1]) : nil]
                rest = rest[..<comma]
            }
            var modifier: Character?
            if rest.count > 1, let last = rest.last, "atco".contains(last) {
                modifier = last
                rest = rest.dropLast()
            }
            if rest.isEmpty { rest = Self.defaults[letter] ?? "1" }
            guard !(["N", "n"].contains(rest.first) && !"MFxPCE".contains(letter)) else {
                throw JSONataError("D3133: the component [\(letter)] has no name")
            }
            self.letter = letter
            self.presentation = rest
            self.modifier = modifier
            narrowest = widths[0]
            widest = widths[1]
        }

        private static let defaults: [Character: Substring] = [
            "F": "n", "P": "n", "C": "n", "E": "n", "m": "01", "s": "01", "Z": "01:01", "z": "01:01",
        ]

        var ordinal: Bool { modifier == "o" }
        /// Whether the component is written as a name (`October`, `wed`).
        var isName: Bool { presentation.first == "N" || presentation.first == "n" }
        /// How many digits the presentation asks for at least (`0001` is 4, `#1` is 1), raised to the narrowest width.
        var digits: Int { max(presentation.filter(\.isNumber).count, narrowest ?? 0) }
        /// How many digits a year keeps (`[Y01]`, `[Y,2-2]`: its last two); nil for all of them.
        var yearDigits: Int? {
            if let widest { return widest }
            let written = digits + presentation.filter { $0 == "#" }.count
            return written >= 2 ? written : nil
        }
    }

    static func pieces(of picture: String) throws(JSONataError) -> [Piece] {
        // The picture is split whole before any component is read, so an unclosed `[` is reported first.
        var split: [(text: Character?, marker: String?)] = []
        var rest = Substring(picture)
        while let character = rest.first {
            rest = rest.dropFirst()
            if character == "[" && rest.first == "[" || character == "]" && rest.first == "]" {
                split.append((character, nil))
                rest = rest.dropFirst()
            } else if character == "[" {
                guard let end = rest.firstIndex(of: "]") else { throw JSONataError("D3135: a date picture's [ is not closed") }
                split.append((nil, rest[..<end].filter { !$0.isWhitespace }))
                rest = rest[rest.index(after: end)...]
            } else {
                split.append((character, nil))
            }
        }
        var pieces: [Piece] = []
        for piece in split {
            if let marker = piece.marker { pieces.append(.component(try Marker(marker))) } else { pieces.append(.text(piece.text!)) }
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
        let calendar = calendar(in: zone)
        let parts = calendar.dateComponents(
            [.year, .month, .day, .dayOfYear, .hour, .minute, .second, .nanosecond, .weekday, .weekOfYear, .yearForWeekOfYear, .timeZone],
            from: date)
        // A week belongs to the month its Thursday is in (`[w]`, `[x]`).
        let daysAfterMonday = ((parts.weekday ?? 2) + 5) % 7
        let thursday = calendar.dateComponents([.month, .day], from: date.addingTimeInterval(Double(3 - daysAfterMonday) * 86_400))
        var output = ""
        for piece in try pieces(of: picture) {
            switch piece {
            case .text(let character): output.append(character)
            case .component(let marker): output += try component(marker, parts, weekThursday: thursday)
            }
        }
        return output
    }

    private static func component(_ marker: Marker, _ parts: DateComponents, weekThursday: DateComponents) throws(JSONataError)
        -> String
    {
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
        case "X": value = parts.yearForWeekOfYear ?? 0
        case "w": value = ((weekThursday.day ?? 1) - 1) / 7 + 1
        case "x": value = weekThursday.month ?? 1
        case "f":
            // A fraction of a second: its milliseconds, trailing zeros dropped down to the digits asked for.
            var fraction = String((parts.nanosecond ?? 0) / 1_000_000).leftPadded(to: 3)
            let wanted = max(marker.digits, 1)
            while fraction.count > wanted, fraction.hasSuffix("0") { fraction.removeLast() }
            return fraction.count < wanted ? fraction + String(repeating: "0", count: wanted - fraction.count) : fraction
        case "P": return truncated(named((parts.hour ?? 0) < 12 ? "am" : "pm", marker.presentation), marker)
        case "C", "E": return "ISO"
        case "Z", "z": return try zone(parts.timeZone?.secondsFromGMT() ?? 0, marker)
        default: throw JSONataError("D3132: unknown component [\(marker.letter)\(marker.presentation)] in a date picture")
        }
        if marker.isName {
            let names = marker.letter == "F" ? dayNames : monthNames
            return truncated(named(names[value - 1], marker.presentation), marker)
        }
        if let words = JSONataIntegerPresentation(picture: marker.presentation) { return words.format(value, ordinal: marker.ordinal) }
        var shown = value
        if marker.letter == "Y", let kept = marker.yearDigits { shown = value % Int(pow10: kept) }
        var text = grouped(String(shown).leftPadded(to: marker.letter == "Y" ? marker.widest ?? marker.digits : marker.digits),
                           like: marker.presentation)
        if marker.ordinal { text += JSONataIntegerPresentation.ordinalSuffix(value) }
        return text
    }

    /// Digits with the grouping separators of a picture such as `9,999` put in, repeated when evenly spaced.
    private static func grouped(_ digits: String, like picture: Substring) -> String {
        let characters = Array(picture)
        let separators = characters.indices.filter { !characters[$0].isNumber && characters[$0] != "#" }.map { index in
            (characters[index], characters[(index + 1)...].filter { $0.isNumber || $0 == "#" }.count)
        }
        guard let (separator, first) = separators.last, first > 0 else { return digits }
        let evenly = separators.allSatisfy { $0.0 == separator } && separators.reversed().enumerated().allSatisfy { $1.1 == first * ($0 + 1) }
        var output = Array(digits)
        let positions = evenly ? Array(stride(from: first, to: output.count, by: first)) : separators.map(\.1).filter { $0 < output.count }
        for position in positions.sorted(by: >) {
            let separator = evenly ? separator : separators.first { $0.1 == position }!.0
            output.insert(separator, at: output.count - position)
        }
        return String(output)
    }

    /// A name cut to the widest the marker allows.
    private static func truncated(_ name: String, _ marker: Marker) -> String {
        marker.widest.map { String(name.prefix($0)) } ?? name
    }

    /// An offset from UTC as the marker asks: `[Z]` `+01:00`, `[Z0101]` `+0100`, `[Z0]` `+1` or `+5:30`, `[z]`
    /// `GMT+01:00`, and with `t`, `Z` for UTC itself.
    private static func zone(_ seconds: Int, _ marker: Marker) throws(JSONataError) -> String {
        if marker.modifier == "t" && seconds == 0 { return "Z" }
        let minutes = abs(seconds) / 60
        let (hours, rest) = minutes.quotientAndRemainder(dividingBy: 60)
        let digits = marker.presentation.filter(\.isNumber).count
        let text: String
        switch digits {
        case ...2: text = String(hours).leftPadded(to: digits) + (rest == 0 ? "" : ":" + String(rest).leftPadded(to: 2))
        case 3, 4: text = grouped(String(hours * 100 + rest).leftPadded(to: digits), like: marker.presentation)
        default: throw JSONataError("D3134: the time zone [\(marker.letter)\(marker.presentation)] has too many digits")
        }
        return (marker.letter == "z" ? "GMT" : "") + (seconds < 0 ? "-" : "+") + text
    }

    static func named(_ name: String, _ presentation: Substring) -> String {
        switch presentation {
        case "N": name.uppercased()
        case "n": name.lowercased()
        default: name
        }
    }
}
