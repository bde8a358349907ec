/// A compiled state machine: its states grouped in scopes (the top level, each Parallel branch,
/// each Map item processor), ready for the interpreter.
public struct StateMachine: Sendable {
    /// A block of states with its own `StartAt`.
    struct Scope: Sendable {
        let startAt: String
        let states: [String: StateNode]
    }

    /// The original definition.
    public let definition: JSONValue
    /// The execution time limit, from the top-level `TimeoutSeconds`.
    public let timeoutSeconds: Double?
    /// The top-level `Comment`.
    public let comment: String?
    let scopes: [Scope]

    /// The top-level scope.
    var root: Scope { scopes[0] }

    /// Compiles a definition. - Throws: `DefinitionError` listing every problem with its JSON path.
    public init(definition: JSONValue) throws(DefinitionError) {
        var parser = DefinitionParser()
        let (timeout, comment) = parser.parseTopLevel(definition)
        guard parser.issues.isEmpty else { throw DefinitionError(issues: parser.issues) }
        self.definition = definition
        self.timeoutSeconds = timeout
        self.comment = comment
        self.scopes = parser.scopes
    }

    /// Compiles a definition from its JSON text.
    public init(json text: String) throws(DefinitionError) {
        guard let value = JSONText.parse(text) else {
            throw DefinitionError(issues: [ValidationIssue("$", "the definition is not JSON")])
        }
        try self.init(definition: value)
    }

    /// Every problem in a definition, each with its JSON path; empty when it is valid.
    public static func validate(_ definition: JSONValue) -> [ValidationIssue] {
        var parser = DefinitionParser()
        _ = parser.parseTopLevel(definition)
        return parser.issues
    }

    /// Every `Resource` named by a Task state, at any depth.
    public var taskResources: Set<String> {
        Set(scopes.flatMap { $0.states.values.compactMap(\.resource) })
    }
}
