import Foundation
import MediaflowStates
import Testing

struct ValidationTests {
    @Test func everyProblemIsReportedAtItsPath() throws {
        let issues = StateMachine.validate(
            try #require(
                JSONValue.parse(
                    """
                    {"StartAt":"Missing","States":{
                      "A":{"Type":"Pass","Next":"Nowhere"},
                      "B":{"Type":"Choice","Choices":[{"Variable":"$.x","NumericEquals":"one","Next":"A"}]},
                      "C":{"Type":"Task","End":true,"Retry":[{"ErrorEquals":["States.ALL","Other"]}]},
                      "D":{"Type":"Wait","Seconds":1,"Timestamp":"2026-01-01T00:00:00Z","End":true},
                      "E":{"Type":"Pass","End":true,"Parameters":{"bad.$":"not a path"}},
                      "F":{"Type":"Sleep"}}}
                    """)))
        let locations = Set(issues.map(\.location))
        #expect(
            locations == [
                "$.StartAt", "$.States.A.Next", "$.States.B.Choices[0].NumericEquals", "$.States.B.Choices[0]",
                "$.States.C.Resource", "$.States.C.Retry[0].ErrorEquals", "$.States.D", "$.States.E.Parameters.bad.$",
                "$.States.F.Type",
            ])
    }

    @Test func jsonataIsRejectedClearly() {
        let issues = StateMachine.validate(["QueryLanguage": "JSONata", "StartAt": "A", "States": ["A": ["Type": "Succeed"]]])
        #expect(issues == [ValidationIssue("$.QueryLanguage", "the JSONata query language is not supported yet; use JSONPath")])
    }

    @Test func intrinsicFunctionsAreDeterministicPerSeed() throws {
        let machine = try StateMachine(
            json: #"{"StartAt":"P","States":{"P":{"Type":"Pass","End":true,"Parameters":{"id.$":"States.UUID()","h.$":"States.Hash('abc','SHA-1')","r.$":"States.MathRandom(1, 1000)"}}}}"#
        )
        let one = ConformanceRunner.runToCompletion(machine, input: [:])
        let two = ConformanceRunner.runToCompletion(machine, input: [:])
        #expect(one.output == two.output)
        #expect(one.output?["h"] == "a9993e364706816aba3e25717850c26c9cd0d89d")
        let id = try #require(one.output?["id"]?.stringValue)
        #expect(id.count == 36 && id[id.index(id.startIndex, offsetBy: 14)] == "4")
    }
}

extension JSONValue {
    static func parse(_ text: String) -> JSONValue? {
        try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }
}

