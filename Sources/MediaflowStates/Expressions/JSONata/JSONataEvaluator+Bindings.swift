/// Paths that bind variables on the way (`Account.Order#$i.Product`, `library.loans@$l.books[isbn = $l.isbn]`)
/// or look back with `%` (`Order.Product.{'order': %.OrderID}`): each item carries the variables bound before it,
/// and the items it was found in, to the steps after.
extension JSONataEvaluator {
    /// An item of such a path, the context its step was evaluated with, the variables bound on the way to it,
    /// and the items it was found in, nearest last.
    private struct Tuple {
        var value: JSONValue?
        var context: JSONValue?
        var bindings: [String: JSONataItem]
        var parents: [JSONValue?]
    }

    /// What a step does after giving its items: filter them, bind their positions, or bind them as a focus.
    private enum Stage {
        case filter(JSONataNode)
        case position(String)
        case focus(String)

        var binds: Bool {
            if case .filter = self { return false }
            return true
        }
    }

    /// Whether a step binds a variable with `#` or `@`.
    static func bindsVariables(_ step: JSONataNode) -> Bool {
        switch step {
        case .position, .focus: true
        case .filter(let base, _), .keepArray(let base): bindsVariables(base)
        default: false
        }
    }

    /// The path's steps, each evaluated with every item the last gave, and with the variables bound on its way.
    mutating func bindingPath(_ steps: [JSONataNode], context: JSONValue?) throws(JSONataError) -> JSONValue? {
        var tuples = Self.firstItems(of: steps, context: context).map { Tuple(value: $0, context: $0, bindings: [:], parents: ancestry) }
        for (index, step) in steps.enumerated() {
            let (base, stages) = Self.stages(of: step)
            // Filters before the first binding, and the bindings right after them, act on the items each context
            // gives; a filter after a binding, and all after it, on the step's items together (as in JSONata).
            let firstBinding = stages.firstIndex(where: \.binds) ?? stages.count
            let split = stages[firstBinding...].firstIndex { !$0.binds } ?? stages.count
            var next: [Tuple] = []
            for tuple in tuples {
                guard let value = try evaluate(base, in: tuple) else { continue }
                let madeArray = if index > 0, case .array = base { true } else { false }
                // `%` steps back to the parent, `$` stays on the item, any other step goes into it.
                let parents: [JSONValue?] = switch base {
                case .parent: tuple.parents.dropLast()
                case .variable(""): tuple.parents
                default: tuple.parents + [tuple.value]
                }
                let made = (madeArray ? [value] : Self.items(of: value)).map {
                    Tuple(value: $0, context: tuple.value, bindings: tuple.bindings, parents: parents)
                }
                next += try apply(stages[..<split], to: made)
            }
            tuples = try apply(stages[split...], to: next)
            if tuples.isEmpty { return nil }
        }
        return Self.sequence(tuples.compactMap(\.value))
    }

    private mutating func apply(_ stages: ArraySlice<Stage>, to tuples: [Tuple]) throws(JSONataError) -> [Tuple] {
        var tuples = tuples
        for stage in stages {
            switch stage {
            case .position(let name):
                for position in tuples.indices { tuples[position].bindings[name] = .value(.number(Double(position))) }
            case .focus(let name):
                for position in tuples.indices {
                    tuples[position].bindings[name] = tuples[position].value.map(JSONataItem.value)
                    tuples[position].value = tuples[position].context
                }
            case .filter(let predicate):
                var kept: [Tuple] = []
                for (position, tuple) in tuples.enumerated()
                where Self.selects(try evaluate(predicate, in: tuple), position, of: tuples.count) {
                    kept.append(tuple)
                }
                tuples = kept
            }
        }
        return tuples
    }

    /// Evaluates `node` with the tuple's item as its context, its variables bound and its parents behind it.
    private mutating func evaluate(_ node: JSONataNode, in tuple: Tuple) throws(JSONataError) -> JSONValue? {
        let outer = ancestry
        ancestry = tuple.parents
        defer { ancestry = outer }
        guard !tuple.bindings.isEmpty else { return try evaluate(node, context: tuple.value) }
        frames.append(JSONataFrame(tuple.bindings))
        defer { frames.removeLast() }
        return try evaluate(node, context: tuple.value)
    }

    /// A step's base, and what it does to the base's items in order.
    private static func stages(of step: JSONataNode) -> (base: JSONataNode, stages: [Stage]) {
        var stages: [Stage] = []
        var node = step
        while true {
            switch node {
            case .filter(let base, let predicate): (node, stages) = (base, [.filter(predicate)] + stages)
            case .position(let base, let name): (node, stages) = (base, [.position(name)] + stages)
            case .focus(let base, let name): (node, stages) = (base, [.focus(name)] + stages)
            default: return (node, stages)
            }
        }
    }
}
