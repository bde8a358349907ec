import Foundation
import MediaflowModel
import Testing

/// Objects keep their members in the order they were given, through parsing, writing and the protocol's coders.
@Suite struct JSONObjectTests {
    @Test func textIsWrittenBackWithItsMembersInTheirOrder() throws {
        let text = #"{"zebra":1,"apple":{"y":2,"b":[{"k":1,"c":2}]},"mango":null}"#
        #expect(JSONWriter.text(try JSONParser.parse(text)) == text)
        // A repeated name takes its last value in its first place, as JavaScript's JSON.parse does.
        #expect(JSONWriter.text(try JSONParser.parse(#"{"a":1,"b":2,"a":3}"#)) == #"{"a":3,"b":2}"#)
    }

    /// What the command line prints: indented as JavaScript's `JSON.stringify(value, null, 2)`, members in order.
    @Test func formattedTextIsIndentedWithItsMembersInOrder() {
        let value: JSONValue = ["b": [1, 2.5], "a": [:], "c": [], "d": ["z": "x\ny"]]
        #expect(JSONWriter.formatted(value) == "{\n  \"b\": [\n    1,\n    2.5\n  ],\n  \"a\": {},\n  \"c\": [],\n  \"d\": {\n    \"z\": \"x\\ny\"\n  }\n}")
        #expect(JSONWriter.formatted(value, pretty: false) == JSONWriter.text(value))
    }

    @Test func objectsAreEqualWhateverTheirOrder() {
        let forwards: JSONObject = ["a": 1, "b": ["x": true, "y": false]]
        let backwards: JSONObject = ["b": ["y": false, "x": true], "a": 1]
        #expect(forwards == backwards)
        #expect(Set([JSONValue.object(forwards), .object(backwards)]).count == 1)
        #expect(forwards != ["a": 1, "b": ["x": true, "y": true]])
        #expect(forwards != ["a": 1])
        #expect(forwards.keys == ["a", "b"] && backwards.keys == ["b", "a"])
    }

    /// Past a dozen members keys are found through an index, which must follow every change.
    @Test func aLargeObjectFindsEachKeyAfterEveryChange() {
        let names = (0..<40).map { "key\(39 - $0)" }
        var object = JSONObject(uniqueKeysWithValues: names.enumerated().map { ($1, JSONValue.number(Double($0))) })
        #expect(object.keys == names)
        #expect(names.enumerated().allSatisfy { object[$1] == .number(Double($0)) })
        #expect(object.removeValue(forKey: "key30") == 9)
        object["key39"] = "first"
        object["new"] = "last"
        #expect(object.count == 40)
        #expect(object.keys.first == "key39" && object.keys.last == "new" && !object.keys.contains("key30"))
        #expect(object["key29"] == 10 && object["key0"] == 39 && object["key30"] == nil)
        while object.count > 3 { object[object.keys[1]] = nil }
        #expect(object == ["key39": "first", "key0": 39, "new": "last"] && object.keys == ["key39", "key0", "new"])
    }

    @Test func mergingKeepsThePlacesOfKeysAlreadyThere() {
        let start: JSONObject = ["b": 1, "a": 2]
        let merged = start.merging(["c": 3, "b": 4]) { $1 }
        #expect(merged.keys == ["b", "a", "c"] && merged["b"] == 4)
        #expect(merged.filter { $0.value != 2 }.keys == ["b", "c"])
        #expect(merged.mapValues { _ in JSONValue.null }.keys == ["b", "a", "c"])
    }

    private struct Envelope: Codable, Equatable {
        var name: String
        var when: Date
        var payload: JSONObject
        var tags: [String]
        var count: Int?
    }

    /// Typed members are written sorted by key, an open value's in its own order, both ways.
    @Test func theProtocolsCodersKeepAnOpenValuesOrder() throws {
        let envelope = Envelope(
            name: "n", when: Date(timeIntervalSince1970: 1_490_879_500.078), payload: ["zebra": 1, "apple": ["y": 2, "b": 3]],
            tags: ["t"], count: nil)
        let text = try ProtocolJSON.text(envelope)
        #expect(text == #"{"name":"n","payload":{"zebra":1,"apple":{"y":2,"b":3}},"tags":["t"],"when":"2017-03-30T13:11:40.078Z"}"#)
        let decoded = try ProtocolJSON.decode(Envelope.self, from: Data(text.utf8))
        #expect(decoded == envelope)
        #expect(decoded.payload.keys == ["zebra", "apple"] && decoded.payload["apple"]?.objectValue?.keys == ["y", "b"])
        var infinite = envelope
        infinite.payload["x"] = .number(.infinity)
        #expect(throws: EncodingError.self) { try ProtocolJSON.encode(infinite) }
    }

    /// A document that does not fit is refused with the error Foundation's decoder gives, at the member at fault.
    @Test(arguments: [
        (#""when":"2017-03-30T13:11:40Z","payload":{},"tags":[]"#, "name"),
        (#""name":null,"when":"2017-03-30T13:11:40Z","payload":{},"tags":[]"#, "name"),
        (#""name":"n","when":"yesterday","payload":{},"tags":[]"#, "when"),
        (#""name":"n","when":"2017-03-30T13:11:40Z","payload":[],"tags":[]"#, "payload"),
        (#""name":"n","when":"2017-03-30T13:11:40Z","payload":{},"tags":["a",1]"#, "tags/1"),
        (#""name":"n","when":"2017-03-30T13:11:40Z","payload":{},"tags":[],"count":1.5"#, "count"),
    ])
    func aDocumentThatDoesNotFitNamesTheMember(members: String, at path: String) throws {
        let error = try #require(throws: DecodingError.self) { try ProtocolJSON.decode(Envelope.self, from: Data("{\(members)}".utf8)) }
        let codingPath: [any CodingKey] =
            switch error {
            case .keyNotFound(let key, let context): context.codingPath + [key]
            case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context): context.codingPath
            @unknown default: []
            }
        #expect(codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: "/") == path, "\(error)")
    }

    /// A document inside another that is null is a missing value, not a mismatch, as Foundation's decoder has it.
    @Test func aNullDocumentInsideAnotherIsAMissingValue() throws {
        struct Outer: Decodable { var inner: Envelope; var list: [String] }
        for (text, field) in [(#"{"inner":null,"list":[]}"#, "inner"), (#"{"inner":{"name":"n","when":"2017-03-30T13:11:40Z","payload":{},"tags":[]},"list":null}"#, "list")] {
            let error = try #require(throws: DecodingError.self) { try ProtocolJSON.decode(Outer.self, from: Data(text.utf8)) }
            guard case .valueNotFound(_, let context) = error else {
                Issue.record("not a missing value: \(error)")
                continue
            }
            #expect(context.codingPath.map(\.stringValue) == [field])
        }
    }
}
