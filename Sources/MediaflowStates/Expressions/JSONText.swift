import Foundation

/// JSON text as the States Language writes and reads it.
public enum JSONText {
    /// The compact JSON text of a value (see `JSONWriter`).
    public static func serialize(_ value: JSONValue) -> String { JSONWriter.text(value) }

    /// Parses JSON text, accepting any value at the top level; `nil` when it is not JSON.
    public static func parse(_ text: String) -> JSONValue? { try? JSONParser.parse(text) }
}
