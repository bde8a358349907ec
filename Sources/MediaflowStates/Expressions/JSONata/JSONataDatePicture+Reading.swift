import Foundation

/// `$toMillis(text, picture)`: a date read back from a picture's form.
extension JSONataDatePicture {
    /// The time `text` writes in the picture, in milliseconds since 1970; nil when it does not read in it. The
    /// date parts larger than any the picture has are `now`'s (a time alone is today's), the smaller ones their
    /// least (a year alone is its 1 January); a time left out is midnight.
    static func millis(from text: String, picture: String, now: Double) throws(JSONataError) -> Double? {
        var reading = Reading(rest: Substring(text))
        let pieces = try pieces(of: picture)
        try checkSpan(of: pieces)
        guard pieces.contains(where: { if case .component = $0 { true } else { false } }) else { return nil }
        for piece in pieces {
            switch piece {
            case .text(let character):
                guard reading.rest.first == character else { return nil }
                reading.rest.removeFirst()
            case .component(let marker):
                guard try reading.read(marker) else { return nil }
            }
        }
        guard reading.rest.isEmpty else { return nil }
        return reading.millis(now: now)
    }

    /// Refuses a picture that leaves a gap in the date it reads (a year and a day with no month, minutes with no
    /// hour), or reads a week-based date, as JSONata does.
    private static func checkSpan(of pieces: [Piece]) throws(JSONataError) {
        let letters = Set(pieces.compactMap { piece -> Character? in
            if case .component(let marker) = piece { return marker.letter == "h" ? "H" : marker.letter }
            return nil
        })
        let order: [Character] = letters.contains("d") ? ["Y", "d", "H", "m", "s", "f"] : ["Y", "M", "D", "H", "m", "s", "f"]
        let present = order.map(letters.contains)
        let gap = present.firstIndex(of: true).map { first in
            present.lastIndex(of: true).map { last in present[first...last].contains(false) } ?? false
        } ?? false
        if gap || !letters.isDisjoint(with: ["X", "W", "x", "w"]) {
            throw JSONataError("D3136: the picture leaves a part of the date out, or reads weeks, which $toMillis cannot")
        }
    }

    /// What has been read so far, and the text still to read.
    private struct Reading {
        var rest: Substring
        var values: [Character: Int] = [:]
        var fraction = 0.0
        var offset = 0
        var afternoon: Bool?

        /// Reads one component; false when the text does not have it here.
        mutating func read(_ marker: Marker) throws(JSONataError) -> Bool {
            switch marker.letter {
            case "P":
                let word = rest.prefix(2).lowercased()
                guard word == "am" || word == "pm" else { return false }
                afternoon = word == "pm"
                rest = rest.dropFirst(2)
                return true
            case "Z", "z":
                return readOffset(afterGMT: marker.letter == "z")
            case _ where marker.isName:
                let names = marker.letter == "M" ? monthNames : dayNames
                let short = marker.widest ?? 3
                let lowered = rest.lowercased()
                for (index, name) in names.enumerated() {
                    for form in [name, String(name.prefix(short))] where lowered.hasPrefix(form.lowercased()) {
                        values[marker.letter] = index + 1
                        rest = rest.dropFirst(form.count)
                        return true
                    }
                }
                return false
            case "Y", "M", "D", "d", "H", "h", "m", "s", "f", "F", "W":
                if let presentation = JSONataIntegerPresentation(picture: marker.presentation) {
                    guard let value = readInteger(presentation) else { return false }
                    values[marker.letter] = value
                    return true
                }
                let width = marker.digits > 1 ? marker.digits : nil
                let digits = width.map { rest.prefix($0) } ?? rest.prefix(while: { $0.isASCII && $0.isNumber })
                guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(digits) else { return false }
                rest = rest.dropFirst(digits.count)
                if marker.ordinal { rest = rest.drop(while: \.isLetter) }
                if marker.letter == "f" { fraction = Double("0." + digits) ?? 0 } else { values[marker.letter] = value }
                return true
            default:
                throw JSONataError("D3132: unknown component [\(marker.letter)\(marker.presentation)] in a date picture")
            }
        }

        /// An integer in words, Roman numerals or letters: the longest run of words here that reads as one.
        private mutating func readInteger(_ presentation: JSONataIntegerPresentation) -> Int? {
            let allowed: (Character) -> Bool
            if case .words = presentation { allowed = { $0.isLetter || " -,".contains($0) } } else { allowed = \.isLetter }
            let run = rest.prefix(while: allowed)
            var end = run.endIndex
            while end > run.startIndex {
                let candidate = run[..<end]
                if candidate.last?.isLetter == true, let value = presentation.parse(String(candidate)) {
                    rest = rest[end...]
                    return value
                }
                end = run.index(before: end)
            }
            return nil
        }

        /// `+01:00`, `-0530`, `+01` or `Z`, after `GMT` for `[z]`.
        private mutating func readOffset(afterGMT: Bool) -> Bool {
            if afterGMT {
                guard rest.hasPrefix("GMT") else { return false }
                rest = rest.dropFirst(3)
            }
            if rest.first == "Z" {
                rest.removeFirst()
                return true
            }
            guard let sign = rest.first, sign == "+" || sign == "-" else { return false }
            let written = rest.dropFirst().prefix { $0.isNumber || $0 == ":" }
            let digits = written.filter(\.isNumber)
            guard digits.count == 2 || digits.count == 4, let number = Int(digits) else { return false }
            let minutes = digits.count == 2 ? number * 60 : number / 100 * 60 + number % 100
            offset = (sign == "-" ? -60 : 60) * minutes
            rest = rest.dropFirst(1 + written.count)
            return true
        }

        func millis(now: Double) -> Double? {
            let calendar = JSONataDatePicture.calendar(in: JSONataDatePicture.utc)
            let today = calendar.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: now))
            let year = values["Y"] ?? today.year
            let month = values["M"] ?? (values["Y"] != nil ? 1 : today.month)
            let day = values["D"] ?? (values["Y"] != nil || values["M"] != nil ? 1 : today.day)
            var hour = values["H"] ?? values["h"] ?? 0
            if let afternoon, values["H"] == nil { hour = hour % 12 + (afternoon ? 12 : 0) }
            let minute = values["m"] ?? 0
            let second = values["s"] ?? 0
            guard (1...12).contains(month ?? 1), (1...31).contains(day ?? 1), (0...23).contains(hour), (0...59).contains(minute),
                (0...59).contains(second)
            else { return nil }
            var parts = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
            if let dayOfYear = values["d"] {
                guard (1...366).contains(dayOfYear) else { return nil }
                (parts.month, parts.day) = (1, 1)
                guard let first = calendar.date(from: parts) else { return nil }
                return (first.timeIntervalSince1970 + Double(dayOfYear - 1) * 86_400 + fraction - Double(offset)) * 1000
            }
            guard let date = calendar.date(from: parts) else { return nil }
            return ((date.timeIntervalSince1970 + fraction - Double(offset)) * 1000).rounded()
        }
    }
}
