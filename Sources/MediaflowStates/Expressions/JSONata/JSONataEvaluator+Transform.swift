/// The transform operator, `| location | update, delete |`: a copy of an object changed at the objects a path finds.
extension JSONataEvaluator {
    /// `value` with `update` merged into, and the fields `delete` names removed from, each object that the
    /// location's remaining `steps` find. A location is a path of field names, `*`, `$` and filters.
    mutating func transform(_ value: JSONValue, at steps: ArraySlice<JSONataNode>, update: JSONataNode, delete: JSONataNode?)
        throws(JSONataError) -> JSONValue
    {
        if case .array(let elements) = value {
            var changed: [JSONValue] = []
            for element in elements { changed.append(try transform(element, at: steps, update: update, delete: delete)) }
            return .array(changed)
        }
        guard let step = steps.first else { return try change(value, update: update, delete: delete) }
        let rest = steps.dropFirst()
        let (base, predicate): (JSONataNode, JSONataNode?) = if case .filter(let base, let test) = step { (base, test) } else { (step, nil) }
        switch base {
        case .variable("") where predicate == nil:
            return try transform(value, at: rest, update: update, delete: delete)
        case .field, .wildcard:
            guard case .object(var members) = value else { return value }
            let keys: [String] = if case .field(let name) = base { [name] } else { Array(members.keys) }
            for key in keys {
                guard let member = members[key] else { continue }
                members[key] = try transform(member, selectedBy: predicate, at: rest, update: update, delete: delete)
            }
            return .object(members)
        default:
            throw JSONataError("T2011: the location of a transform must be a path of field names, *, $ and filters")
        }
    }

    /// A field's value transformed at each of its items that `predicate` keeps (all without one).
    private mutating func transform(
        _ value: JSONValue, selectedBy predicate: JSONataNode?, at steps: ArraySlice<JSONataNode>, update: JSONataNode,
        delete: JSONataNode?
    ) throws(JSONataError) -> JSONValue {
        guard let predicate else { return try transform(value, at: steps, update: update, delete: delete) }
        let items = Self.items(of: value)
        var changed: [JSONValue] = []
        for (position, item) in items.enumerated() {
            let selected = Self.selects(try evaluate(predicate, context: item), position, of: items.count)
            changed.append(selected ? try transform(item, at: steps, update: update, delete: delete) : item)
        }
        if case .array = value { return .array(changed) }
        return changed[0]
    }

    /// An object found by the location, updated and with fields deleted.
    private mutating func change(_ value: JSONValue, update: JSONataNode, delete: JSONataNode?) throws(JSONataError) -> JSONValue {
        guard case .object(var members) = value else { return value }
        switch try evaluate(update, context: value) {
        case .object(let changes)?: members.merge(changes) { $1 }
        case nil: break
        default: throw JSONataError("T2011: the update of a transform must be an object")
        }
        if let delete, let names = try evaluate(delete, context: value) {
            for name in Self.items(of: names) {
                guard case .string(let key) = name else { throw JSONataError("T2012: the delete of a transform must be field names") }
                members[key] = nil
            }
        }
        return .object(members)
    }
}
