import Foundation
import MediaflowModel
import Testing

/// Documents that read themselves read what `JSONDecoder` reads, and refuse what it refuses, leaving the
/// decoder to name the field.
@Suite struct JSONReadableTests {
    private let foundation: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let date = Timestamp.parse(text) else { throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: text)) }
            return date
        }
        return decoder
    }()

    private static let goodJobs = [
        #"{"type":"AmeJob","jobProfile":{"label":"NoOp","type":"JobProfile"}}"#,
        #"{"@context":"http://h/context/default","type":"AmeJob","jobProfile":{"type":"JobProfile","label":"ExtractTechnicalMetadata"},"hasRelatedResource":{"type":"BMEssence","locator":"file:///a.mp4"}}"#,
        #"{"id":"http://h/Job/1","type":"QAJob","jobProfile":{"label":"L","type":"JobProfile"},"jobStatus":"RUNNING","progress":50,"statusMessage":null,"priority":"HIGH","startJob":"s","processJob":"p","jobInput":{"a":[1,2.5,"x",true,null,{"b":{}}]},"jobOutput":{},"dateCreated":"2017-03-30T13:11:40.078Z","dateModified":"2017-03-30T13:11:40Z","unknown":{"ignored":1}}"#,
        #"  {"type":"WorkflowJob","jobProfile":{"label":"\u00e9\n","type":"JobProfile"},"progress":1.5e1}  "#,
    ]
    private static let badJobs = [
        #"{"jobProfile":{"label":"NoOp","type":"JobProfile"}}"#,
        #"{"type":"NoSuchJob","jobProfile":{"label":"NoOp","type":"JobProfile"}}"#,
        #"{"type":"AmeJob","jobProfile":{"label":"NoOp"}}"#,
        #"{"type":"AmeJob","jobProfile":"NoOp"}"#,
        #"{"type":"AmeJob","jobProfile":{"label":"NoOp","type":"JobProfile"},"progress":"50"}"#,
        #"{"type":"AmeJob","jobProfile":{"label":"NoOp","type":"JobProfile"},"jobStatus":"DONE"}"#,
        #"{"type":"AmeJob","jobProfile":{"label":"NoOp","type":"JobProfile"},"dateCreated":"yesterday"}"#,
        #"{"type":"AmeJob","jobProfile":{"label":"NoOp","type":"JobProfile"},"jobInput":[1]}"#,
        #"{"type":"AmeJob","jobProfile":{"label":"NoOp","type":"JobProfile"},"jobInput":{"n":1e999}}"#,
        #"{"type":"AmeJob","jobProfile":{"label":"NoOp","type":"JobProfile"}} x"#,
        #"[{"type":"AmeJob"}]"#,
        #"{"type":"AmeJob","jobProfile":{"label":"NoOp","type":"JobProfile"},"progress":01}"#,
    ]

    @Test(arguments: goodJobs) func aJobReadsAsTheDecoderDecodesIt(text: String) throws {
        let expected = try foundation.decode(Job.self, from: Data(text.utf8))
        #expect(Job.read(Array(text.utf8)) == expected)
        #expect(try ProtocolJSON.decode(Job.self, from: Data(text.utf8)) == expected)
    }

    @Test(arguments: badJobs) func aJobTheDecoderRefusesIsNotRead(text: String) {
        #expect(Job.read(Array(text.utf8)) == nil)
        #expect(throws: DecodingError.self) { try ProtocolJSON.decode(Job.self, from: Data(text.utf8)) }
    }

    @Test func illFormedUTF8IsRefused() throws {
        let bytes = Array(#"{"type":"AmeJob","jobProfile":{"label":"No"#.utf8) + [0xC3, 0x28] + Array(#"","type":"JobProfile"}}"#.utf8)
        #expect(Job.read(bytes) == nil)
        #expect(throws: DecodingError.self) { try ProtocolJSON.decode(Job.self, from: Data(bytes)) }
        // The parser refuses it wherever it reads, bus envelopes included, with or without escapes nearby.
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(bytes) }
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(Array(#"["a\n"#.utf8) + [0xFF] + Array(#""]"#.utf8)) }
        #expect(try JSONParser.parse(#"["\u00e9\n", "é"]"#) == ["é\n", "é"])
        // A number beyond a Double's range is refused, not read as infinity.
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse("[1e999]") }
    }

    @Test func objectsKeepEveryMemberAndTheLastOfARepeatedName() throws {
        #expect(try JSONParser.parse(#"{"a":1,"b":{"c":[{}],"d":null},"a":2,"e":"x"}"#) == ["a": 2, "b": ["c": [[:]], "d": .null], "e": "x"])
        #expect(try JSONParser.parse(#"{ }"#) == [:])
    }

    @Test func onlyJSONReachesTheDecoder() throws {
        // JSONDecoder lets a trailing comma pass, and traps on arrays left open 512 deep at the end of the text;
        // what the strict parser refuses is refused before the decoder sees it, saying where.
        for text in [#"{"type":"AmeJob","jobProfile":{"label":"NoOp","type":"JobProfile"},}"#, #"{"a":"# + String(repeating: "[", count: 512)] {
            #expect(Job.read(Array(text.utf8)) == nil)
            let error = #expect(throws: DecodingError.self) { try ProtocolJSON.decode(Job.self, from: Data(text.utf8)) }
            guard case .dataCorrupted(let context)? = error else { continue }
            #expect(context.codingPath.isEmpty)
            #expect(context.debugDescription.contains(" at byte "))
        }
        #expect(try ProtocolJSON.decode(JSONValue.self, from: Data(#"{"a":[1]}"#.utf8)) == ["a": [1]])
    }

    @Test func startRequestsReadAsTheDecoderDecodesThem() throws {
        let good = [
            #"{"type":"StartJob","job":"http://h/Job/1","priority":"URGENT","asyncEndpoint":{"success":"http://c/ok","failure":"http://c/ko"}}"#,
            #"{"@context":"c","id":"http://h/StartJob/1","type":"StartJob","job":"j","asyncEndpoint":{},"dateCreated":"2020-01-01T00:00:00.000Z"}"#,
        ]
        for text in good {
            #expect(StartJob.read(Array(text.utf8)) == (try foundation.decode(StartJob.self, from: Data(text.utf8))))
        }
        let bad = [#"{"type":"StartJob"}"#, #"{"type":"StartJob","job":"j","priority":"SOON"}"#, #"{"type":"StartJob","job":"j","asyncEndpoint":{"success":1}}"#]
        for text in bad {
            #expect(StartJob.read(Array(text.utf8)) == nil)
            #expect(throws: DecodingError.self) { try foundation.decode(StartJob.self, from: Data(text.utf8)) }
        }
    }
}
