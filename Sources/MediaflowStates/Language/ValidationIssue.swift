/// One problem found in a state machine definition, at the JSON path where it is.
public struct ValidationIssue: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Where the problem is, e.g. `$.States.Check.Choices[0].Next`.
    public let location: String
    /// What is wrong.
    public let message: String

    public init(_ location: String, _ message: String) {
        self.location = location
        self.message = message
    }

    public var description: String { "\(location): \(message)" }
}

/// A definition that is not a valid state machine; `issues` lists every problem found.
public struct DefinitionError: Error, Sendable, CustomStringConvertible {
    public let issues: [ValidationIssue]
    public var description: String { issues.map(\.description).joined(separator: "\n") }
}
