import Foundation

/// A recorded test case: a definition, an input, and what AWS Step Functions produced for it
/// (`{status, output}` or `{status, error, cause}`), one JSON object per line of a `.jsonl` file.
public struct ConformanceCase: Decodable, Sendable {
    public struct Expectation: Decodable, Sendable {
        public let status: String
        public let output: JSONValue?
        public let error: String?
        public let cause: String?
    }

    public let id: String
    public let area: String?
    public let definition: JSONValue
    public let input: JSONValue?
    public let expect: Expectation

    /// Reads every case of a JSON Lines file. - Throws: when a line is not a case.
    public static func load(jsonLines text: String) throws -> [ConformanceCase] {
        try text.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.map {
            try ProtocolJSON.decode(ConformanceCase.self, from: Data($0.utf8))
        }
    }
}

/// The result of running one case.
public struct ConformanceResult: Sendable {
    public let testCase: ConformanceCase
    /// Nil when the case passed; otherwise why it did not.
    public let failure: String?
    public var passed: Bool { failure == nil }
}
