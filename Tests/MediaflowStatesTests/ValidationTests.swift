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

    @Test func eachQueryLanguageKeepsToItsOwnFields() throws {
        let issues = StateMachine.validate(
            try #require(
                JSONValue.parse(
                    """
                    {"QueryLanguage":"JSONata","StartAt":"A","States":{
                      "A":{"Type":"Pass","InputPath":"$.x","Output":"{% $states.input.( %}","Next":"B"},
                      "B":{"Type":"Choice","Choices":[{"Variable":"$.x","BooleanEquals":true,"Next":"C"}],"Default":"C"},
                      "C":{"Type":"Map","Items":"not an expression","ItemProcessor":{"StartAt":"D","States":{
                        "D":{"Type":"Pass","QueryLanguage":"JSONPath","End":true}}},"End":true}}}
                    """)))
        #expect(
            Set(issues.map(\.location)) == [
                "$.States.A.InputPath", "$.States.A.Output", "$.States.B.Choices[0].Variable", "$.States.B.Choices[0].Condition",
                "$.States.C.Items", "$.States.C.ItemProcessor.States.D.QueryLanguage",
            ])
        #expect(issues.contains(ValidationIssue("$.States.A.InputPath", "InputPath is a JSONPath field; a JSONata state uses Arguments")))
        #expect(issues.first { $0.location == "$.States.A.Output" }?.message.hasPrefix("JSONata syntax error at character") == true)

        let jsonPath = StateMachine.validate(["StartAt": "A", "States": ["A": ["Type": "Pass", "Output": "{% 1 %}", "End": true]]])
        #expect(jsonPath == [ValidationIssue("$.States.A.Output", #"Output is a field of JSONata states: set "QueryLanguage": "JSONata""#)])
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

