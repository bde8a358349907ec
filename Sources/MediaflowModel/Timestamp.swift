import Foundation

/// The protocol's timestamp text: ISO 8601 in UTC with milliseconds, e.g. `2017-03-30T13:11:40.078Z`.
/// Every payload carries several, so the common form is written and read by hand; other forms (offsets,
/// years outside 0000–9999) go through Foundation's ISO 8601 styles.
public enum Timestamp {
    private static let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)
    private static let plainStyle = Date.ISO8601FormatStyle(timeZone: .gmt)

    /// Formats a date with millisecond precision; one beyond ±2^53 ms of 1970 (some 285,000 years) as that bound.
    public static func format(_ date: Date) -> String {
        let bound = 9_007_199_254_740.992
        let seconds = date.timeIntervalSince1970
        let date = abs(seconds) <= bound ? date : Date(timeIntervalSince1970: seconds < 0 ? -bound : bound)
        let text = String(unsafeUninitializedCapacity: 24) { write(date, into: $0) ?? 0 }
        return text.isEmpty ? style.format(date) : text
    }

    /// Writes a date as `format` does into `text` (24 bytes), answering the count; nil for a year outside
    /// 0000–9999, which takes Foundation's style.
    static func write(_ date: Date, into text: UnsafeMutableBufferPointer<UInt8>) -> Int? {
        let millis = Int64(saturating: (date.timeIntervalSince1970 * 1000).rounded())
        let (days, millisOfDay) = millis.floorDivided(by: 86_400_000)
        let (year, month, day) = CivilDate.from(days: days)
        guard (0...9999).contains(year) else { return nil }
        var end = 0
        func append(_ value: Int64, digits: Int, then separator: UInt8) {
            var rest = value
            for offset in stride(from: digits - 1, through: 0, by: -1) {
                text[end + offset] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            }
            text[end + digits] = separator
            end += digits + 1
        }
        append(year, digits: 4, then: UInt8(ascii: "-"))
        append(month, digits: 2, then: UInt8(ascii: "-"))
        append(day, digits: 2, then: UInt8(ascii: "T"))
        append(millisOfDay / 3_600_000, digits: 2, then: UInt8(ascii: ":"))
        append(millisOfDay / 60_000 % 60, digits: 2, then: UInt8(ascii: ":"))
        append(millisOfDay / 1000 % 60, digits: 2, then: UInt8(ascii: "."))
        append(millisOfDay % 1000, digits: 3, then: UInt8(ascii: "Z"))
        return end
    }

    /// Parses a timestamp with or without fractional seconds.
    public static func parse(_ text: String) -> Date? {
        parseCommonForm(text) ?? (try? style.parse(text)) ?? (try? plainStyle.parse(text))
    }

    /// `YYYY-MM-DDTHH:MM:SS[.fraction]Z`, or nil for any other text.
    private static func parseCommonForm(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { bytes -> Date? in
            guard bytes.count >= 20, bytes.last == UInt8(ascii: "Z") else { return nil }
            func number(_ start: Int, _ length: Int) -> Int64? {
                var value: Int64 = 0
                for byte in bytes[start..<(start + length)] {
                    guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                    value = value * 10 + Int64(byte - UInt8(ascii: "0"))
                }
                return value
            }
            let separators: [(Int, Character)] = [(4, "-"), (7, "-"), (10, "T"), (13, ":"), (16, ":")]
            guard separators.allSatisfy({ bytes[$0.0] == $0.1.asciiValue! }),
                let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
                let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2),
                (1...12).contains(month), (1...CivilDate.daysIn(month: month, year: year)).contains(day),
                hour < 24, minute < 60, second < 60
            else { return nil }
            let wholeSeconds = (CivilDate.days(year: year, month: month, day: day) * 24 + hour) * 3600 + minute * 60 + second
            let fractionDigits = bytes.count - 21
            if fractionDigits == -1 { return Date(timeIntervalSince1970: Double(wholeSeconds)) }
            guard bytes[19] == UInt8(ascii: "."), (1...9).contains(fractionDigits),
                let fraction = number(20, fractionDigits)
            else { return nil }
            if fractionDigits <= 3 {
                var millis = fraction
                for _ in fractionDigits..<3 { millis *= 10 }
                return Date(timeIntervalSince1970: Double(wholeSeconds * 1000 + millis) / 1000)
            }
            var scale = 1.0
            for _ in 0..<fractionDigits { scale *= 10 }
            return Date(timeIntervalSince1970: Double(wholeSeconds) + Double(fraction) / scale)
        }
    }

    /// The current time truncated to whole milliseconds, so that it survives a round trip through text.
    public static func now() -> Date { truncated(Date()) }

    /// A date truncated to whole milliseconds.
    public static func truncated(_ date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1000).rounded(.down) / 1000)
    }
}

/// Proleptic Gregorian dates as days since 1970-01-01 (Howard Hinnant's algorithms).
enum CivilDate {
    static func from(days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let marchYear = month <= 2 ? year - 1 : year
        let era = (marchYear >= 0 ? marchYear : marchYear - 399) / 400
        let yearOfEra = marchYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

extension Int64 {
    /// Quotient rounded towards minus infinity, and the non-negative remainder.
    func floorDivided(by divisor: Int64) -> (quotient: Int64, remainder: Int64) {
        let remainder = self % divisor
        return remainder < 0 ? (self / divisor - 1, remainder + divisor) : (self / divisor, remainder)
    }
}

/// The JSON coding every role uses, so that dates and key order agree everywhere.
public enum ProtocolJSON {
    /// Encodes a value with the protocol's conventions; a value that writes itself (`JSONWritable`) does.
    public static func encode(_ value: some Encodable) throws -> Data {
        if let utf8 = (value as? any JSONWritable)?.jsonUTF8() { return Data(utf8) }
        return Data(try written(value).utf8)
    }

    /// `encode`, as text.
    public static func text(_ value: some Encodable) throws -> String {
        if let text = (value as? any JSONWritable)?.jsonText() { return text }
        return try written(value)
    }

    private static func written(_ value: some Encodable) throws -> String {
        guard let text = JSONWriter.finiteText(try JSONValueEncoder.encode(value)) else {
            throw EncodingError.invalidValue(value, .init(codingPath: [], debugDescription: "A number in it is not one JSON can carry."))
        }
        return text
    }

    /// Decodes a value with the protocol's conventions; a type that reads itself (`JSONReadable`) does, and
    /// the decoder only decodes what it could not read, to report why.
    ///
    /// The text is read by `JSONParser` and decoded from the value it gives, so that an object keeps its members'
    /// order (see `JSONValueDecoder`).
    /// - Throws: `DecodingError.dataCorrupted` at the root, saying where, for text that is not JSON.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        if let readable = type as? any JSONReadable.Type, let value = readable.read(data) as? T { return value }
        let parsed: JSONValue
        do {
            parsed = try JSONParser.parse(data)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: error.description))
        }
        return try JSONValueDecoder.decode(type, from: parsed)
    }
}
