import Foundation

/// The protocol's timestamp text: ISO 8601 in UTC with milliseconds, e.g. `2017-03-30T13:11:40.078Z`.
public enum Timestamp {
    private static let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)
    private static let plainStyle = Date.ISO8601FormatStyle(timeZone: .gmt)

    /// Formats a date with millisecond precision.
    public static func format(_ date: Date) -> String { style.format(date) }

    /// Parses a timestamp with or without fractional seconds.
    public static func parse(_ text: String) -> Date? {
        (try? style.parse(text)) ?? (try? plainStyle.parse(text))
    }

    /// The current time truncated to whole milliseconds, so that it survives a round trip through text.
    public static func now() -> Date { truncated(Date()) }

    /// A date truncated to whole milliseconds.
    public static func truncated(_ date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1000).rounded(.down) / 1000)
    }
}

/// The JSON coders every role uses, so that dates and key order agree everywhere.
public enum ProtocolJSON {
    /// A new encoder writing millisecond timestamps and sorted keys.
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Timestamp.format(date))
        }
        return encoder
    }

    /// A new decoder reading ISO 8601 timestamps with or without milliseconds.
    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = Timestamp.parse(text) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "'\(text)' is not an ISO 8601 timestamp")
            }
            return date
        }
        return decoder
    }

    private static let sharedEncoder = encoder()
    private static let sharedDecoder = decoder()

    /// Encodes a value with the protocol's conventions.
    public static func encode(_ value: some Encodable) throws -> Data { try sharedEncoder.encode(value) }

    /// Decodes a value with the protocol's conventions.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        try sharedDecoder.decode(type, from: data)
    }
}
