/// An error raised while a JSONata expression is evaluated, in JSONata's words (`T2001: …`).
struct JSONataError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

/// Evaluates a JSONata syntax tree. Results follow JSONata's sequences: nil is *undefined* (nothing), a path
/// over several items gives them as an array, and a sequence of one is that one value.
struct JSONataEvaluator {
    /// The variables in scope, innermost block last.
    var frames: [JSONataFrame]
    private let input: JSONValue?
    var environment: JSONataEnvironment
    /// Steps taken so far: an expression may take a bounded number (`longest`), so none can hold its node forever.
    private var steps = 0
    private static let longest = 1_000_000
    /// Items made by ranges so far: a range is one step however long, so they are bounded apart (`mostItems`).
    private var itemsMade = 0
    private static let mostItems = 2_000_000
    /// The items the context item was found in along the path being evaluated, nearest last (what `%` reads).
    var ancestry: [JSONValue?] = []
    /// How deeply functions written in the expression are calling each other now, and at most.
    var callDepth = 0
    static let deepest = 100

    init(variables: JSONObject, input: JSONValue?, environment: JSONataEnvironment) {
        frames = [JSONataFrame(Dictionary(uniqueKeysWithValues: variables.lazy.map { ($0.key, JSONataItem.value($0.value)) }))]
        self.input = input
        self.environment = environment
    }

    /// The value of a whole expression. - Throws: when it fails, or gives a function (no JSON value).
    mutating func evaluate(_ node: JSONataNode) throws(JSONataError) -> JSONValue? {
        let result = try item(node, context: input)
        if case .function? = result { throw JSONataError("T1005: the expression gives a function, not a value") }
        return result?.value
    }

    mutating func evaluate(_ node: JSONataNode, context: JSONValue?) throws(JSONataError) -> JSONValue? {
        // `item` counts the steps of the nodes it evaluates.
        if !Self.mayGiveFunction(node) { try takeStep() }
        switch node {
        case .literal(let value): return value
        case .variable(""): return context
        case .variable("$"): return input
        case .regex, .variable, .call, .apply, .bind, .block, .condition, .lambda, .placeholder, .transform:
            return try item(node, context: context)?.value
        case .field(let name): return context.flatMap { Self.lookup(name, in: $0) }
        case .wildcard:
            guard let context else { return nil }
            return Self.sequence(Self.items(of: context).flatMap { item -> [JSONValue] in
                guard case .object(let members) = item else { return [] }
                return members.values.flatMap(Self.items)
            })
        case .descendants:
            return context.flatMap { Self.sequence(Self.descendants(of: $0)) }
        case .parent:
            guard let parent = ancestry.last else { throw JSONataError("S0217: % has no parent here: it is not in a path") }
            return parent
        case .ancestryPath(let path):
            return try bindingPath(Self.steps(of: path), context: context)
        case .path:
            return try path(node, context: context)
        case .filter(let base, let predicate):
            if Self.bindsVariables(base) { return try bindingPath([node], context: context) }
            return try filter(try evaluate(base, context: context), predicate)
        case .position, .focus:
            return try bindingPath([node], context: context)
        case .binary(let op, let left, let right):
            return try binary(op, left, right, context: context)
        case .negate(let operand):
            guard let value = try evaluate(operand, context: context) else { return nil }
            guard case .number(let number) = value else { throw JSONataError("D1002: cannot negate a non-numeric value: \(JSONText.serialize(value))") }
            return .number(-number)
        case .array(let elements):
            var values: [JSONValue] = []
            for element in elements {
                if case .range(let low, let high) = element {
                    values += try range(low, high, context: context)
                } else if let value = try evaluate(element, context: context) {
                    // An array an item gives is spread into this one, unless the item is an array constructor itself.
                    if case .array = element { values.append(value) } else { values += Self.items(of: value) }
                }
            }
            return .array(values)
        case .range: throw JSONataError("S0204: a range a..b is only an item of an array")
        case .keepArray(let inner):
            guard let value = try evaluate(inner, context: context) else { return nil }
            if case .array = value { return value }
            return .array([value])
        case .order(let base, let keys):
            // One item, or none, is already in order.
            let value = try evaluate(base, context: context)
            guard case .array(let items)? = value else { return value }
            return .array(try order(items, by: keys))
        case .object(let members):
            return try group(context.map(Self.items) ?? [], by: members)
        case .group(let base, let members):
            return try group(try evaluate(base, context: context).map(Self.items) ?? [], by: members)
        }
    }

    /// Counts a step of the evaluation, failing past the most an expression may take.
    mutating func takeStep() throws(JSONataError) {
        steps += 1
        guard steps <= Self.longest else { throw JSONataError("U1001: the expression takes over \(Self.longest) steps") }
    }

    /// An object made from `items` (undefined when there are none): every member's key is evaluated with each
    /// item as its context, the items are grouped by the keys they give, and each key's value is evaluated with its
    /// group as the context (the item, when it is alone). A key that gives nothing leaves the item out.
    private mutating func group(
        _ items: [JSONValue], by members: [(key: JSONataNode, value: JSONataNode)]
    ) throws(JSONataError) -> JSONValue {
        var groups: [String: (member: Int, items: [JSONValue?])] = [:]
        var keys: [String] = []
        for item in items.isEmpty ? [nil] : items.map(Optional.some) {
            for (index, member) in members.enumerated() {
                guard let key = try evaluate(member.key, context: item) else { continue }
                guard case .string(let name) = key else { throw JSONataError("T1003: the key of an object must evaluate to a string") }
                guard let existing = groups[name] else {
                    groups[name] = (index, [item])
                    keys.append(name)
                    continue
                }
                guard existing.member == index else {
                    throw JSONataError("D1009: several keys of an object evaluate to '\(name)'")
                }
                groups[name]?.items.append(item)
            }
        }
        var object: JSONObject = [:]
        for name in keys {
            let (member, grouped) = groups[name]!
            let context = grouped.count == 1 ? grouped[0] : .array(grouped.compactMap { $0 }.flatMap(Self.items))
            object[name] = try evaluate(members[member].value, context: context)
        }
        return .object(object)
    }

    /// A path, step by step: each step is evaluated with every item the last one gave as its context.
    private mutating func path(_ node: JSONataNode, context: JSONValue?) throws(JSONataError) -> JSONValue? {
        let steps = Self.steps(of: node)
        let result = try steps.contains(where: Self.bindsVariables) ? bindingPath(steps, context: context) : plainPath(steps, context: context)
        // `[]` on any step keeps the path's result an array (`a[].b`).
        guard steps.contains(where: Self.keepsArray), let result, result.arrayValue == nil else { return result }
        return .array([result])
    }

    private static func keepsArray(_ step: JSONataNode) -> Bool {
        switch step {
        case .keepArray: true
        case .filter(let base, _), .position(let base, _), .focus(let base, _): keepsArray(base)
        default: false
        }
    }

    /// A path whose steps bind no variables.
    private mutating func plainPath(_ steps: [JSONataNode], context: JSONValue?) throws(JSONataError) -> JSONValue? {
        var current = Self.firstItems(of: steps, context: context)
        for (index, step) in steps.enumerated() {
            var results: [JSONValue] = []
            for item in current {
                if let value = try evaluate(step, context: item) { results.append(value) }
            }
            if index == steps.count - 1, results.count == 1, case .array = results[0] { return results[0] }
            // An array a constructor makes in a later step stays one item (`items.[name, price]`).
            if index > 0, case .array = step { current = results } else { current = results.flatMap(Self.items) }
            if current.isEmpty { return nil }
        }
        return Self.sequence(current.compactMap { $0 })
    }

    private mutating func filter(_ base: JSONValue?, _ predicate: JSONataNode) throws(JSONataError) -> JSONValue? {
        guard let base else { return nil }
        let items = Self.items(of: base)
        if case .literal(.number(let number)) = predicate { return Self.item(items, at: number) }
        var kept: [JSONValue] = []
        for (position, item) in items.enumerated() where Self.selects(try evaluate(predicate, context: item), position, of: items.count) {
            kept.append(item)
        }
        return Self.sequence(kept)
    }

    /// Whether a predicate that gave `test` for the item at `position` keeps it: a number is an index, an array
    /// of numbers indexes, anything else is taken as true or false.
    static func selects(_ test: JSONValue?, _ position: Int, of count: Int) -> Bool {
        switch test {
        case .number(let number)?: return index(number, count: count) == position
        case .array(let values)? where !values.isEmpty && values.allSatisfy({ $0.numberValue != nil }):
            return values.contains { index($0.numberValue!, count: count) == position }
        default: return truthy(test)
        }
    }

    private mutating func range(_ low: JSONataNode, _ high: JSONataNode, context: JSONValue?) throws(JSONataError) -> [JSONValue] {
        let bounds = (try evaluate(low, context: context), try evaluate(high, context: context))
        guard case (.number(let from)?, .number(let to)?) = bounds else {
            if bounds.0 == nil || bounds.1 == nil { return [] }
            throw JSONataError("T2003: the bounds of a range must be integers")
        }
        guard from.rounded() == from, to.rounded() == to else { throw JSONataError("T2003: the bounds of a range must be integers") }
        guard to - from < 1_000_000 else { throw JSONataError("D2014: a range has at most 1,000,000 items") }
        itemsMade += from > to ? 0 : Int(to - from) + 1
        guard itemsMade <= Self.mostItems else {
            throw JSONataError("U1001: the expression's ranges make over \(Self.mostItems) items")
        }
        return from > to ? [] : stride(from: Int(saturating: from), through: Int(saturating: to), by: 1).map { .number(Double($0)) }
    }

    private mutating func binary(_ op: String, _ leftNode: JSONataNode, _ rightNode: JSONataNode, context: JSONValue?) throws(JSONataError)
        -> JSONValue?
    {
        switch op {
        case "and":
            guard Self.truthy(try evaluate(leftNode, context: context)) else { return .bool(false) }
            return .bool(Self.truthy(try evaluate(rightNode, context: context)))
        case "or":
            if Self.truthy(try evaluate(leftNode, context: context)) { return .bool(true) }
            return .bool(Self.truthy(try evaluate(rightNode, context: context)))
        default: break
        }
        let left = try evaluate(leftNode, context: context)
        let right = try evaluate(rightNode, context: context)
        switch op {
        case "&": return .string(JSONataFunctions.string(left) + JSONataFunctions.string(right))
        case "=": return .bool(left != nil && right != nil && left == right)
        case "!=": return .bool(left != nil && right != nil && left != right)
        case "in":
            guard let left, let right else { return .bool(false) }
            return .bool(Self.items(of: right).contains(left))
        case "<", "<=", ">", ">=": return try Self.compare(op, left, right)
        default: return try Self.arithmetic(op, left, right)
        }
    }
}

extension JSONataEvaluator {
    /// The items a path's first step is evaluated with: the context whole when the step is a variable (`$`, `$$`,
    /// `$name`, with filters after it), and item by item otherwise.
    static func firstItems(of steps: [JSONataNode], context: JSONValue?) -> [JSONValue?] {
        if startsAtVariable(steps[0]) { return [context] }
        return context.map { items(of: $0) } ?? [nil]
    }

    private static func startsAtVariable(_ step: JSONataNode) -> Bool {
        switch step {
        case .variable: true
        case .filter(let base, _), .keepArray(let base), .position(let base, _), .focus(let base, _): startsAtVariable(base)
        default: false
        }
    }

    /// The steps of a path, first to last.
    static func steps(of node: JSONataNode) -> [JSONataNode] {
        var steps: [JSONataNode] = []
        var rest = node
        while case .path(let left, let right) = rest {
            steps.insert(right, at: 0)
            rest = left
        }
        steps.insert(rest, at: 0)
        return steps
    }

    /// A value as a sequence's items: an array's elements, or the value alone.
    static func items(of value: JSONValue) -> [JSONValue] {
        if case .array(let elements) = value { return elements }
        return [value]
    }

    /// A value and everything in it, depth first, an array as its items and an object's members in their order.
    static func descendants(of value: JSONValue) -> [JSONValue] {
        switch value {
        case .array(let elements): return elements.flatMap(descendants)
        case .object(let members): return [value] + members.values.flatMap(descendants)
        default: return [value]
        }
    }

    /// Items as a JSONata sequence gives them: none is undefined, one is itself.
    static func sequence(_ items: [JSONValue]) -> JSONValue? {
        switch items.count {
        case 0: return nil
        case 1: return items[0]
        default: return .array(items)
        }
    }

    static func lookup(_ name: String, in value: JSONValue) -> JSONValue? {
        switch value {
        case .object(let members): return members[name]
        case .array(let elements): return sequence(elements.compactMap { lookup(name, in: $0) }.flatMap(items))
        default: return nil
        }
    }

    private static func index(_ number: Double, count: Int) -> Int {
        let index = Int(saturating: number.rounded(.down))
        return index < 0 ? count + index : index
    }

    private static func item(_ items: [JSONValue], at number: Double) -> JSONValue? {
        let index = index(number, count: items.count)
        return items.indices.contains(index) ? items[index] : nil
    }

    /// JSONata's truth (`$boolean`): empty strings, zero, null, empty arrays and objects are false.
    static func truthy(_ value: JSONValue?) -> Bool {
        switch value {
        case nil, .null?: return false
        case .bool(let flag)?: return flag
        case .number(let number)?: return number != 0
        case .string(let text)?: return !text.isEmpty
        case .array(let elements)?: return elements.contains { truthy($0) }
        case .object(let members)?: return !members.isEmpty
        }
    }

    private static func compare(_ op: String, _ left: JSONValue?, _ right: JSONValue?) throws(JSONataError) -> JSONValue? {
        let order: Bool
        switch (left, right) {
        case (nil, _), (_, nil): return .bool(false)
        case (.number(let a)?, .number(let b)?): order = op == "<" ? a < b : op == "<=" ? a <= b : op == ">" ? a > b : a >= b
        case (.string(let a)?, .string(let b)?): order = op == "<" ? a < b : op == "<=" ? a <= b : op == ">" ? a > b : a >= b
        default: throw JSONataError("T2010: the operands of \(op) must both be numbers or both be strings")
        }
        return .bool(order)
    }

    private static func arithmetic(_ op: String, _ left: JSONValue?, _ right: JSONValue?) throws(JSONataError) -> JSONValue? {
        if let left, case .number = left {} else if let left {
            throw JSONataError("T2001: the left side of the \(op) operator must evaluate to a number, not \(JSONText.serialize(left))")
        }
        if let right, case .number = right {} else if let right {
            throw JSONataError("T2002: the right side of the \(op) operator must evaluate to a number, not \(JSONText.serialize(right))")
        }
        guard case .number(let a)? = left, case .number(let b)? = right else { return nil }
        let result: Double
        switch op {
        case "+": result = a + b
        case "-": result = a - b
        case "*": result = a * b
        case "/": result = a / b
        default: result = a.truncatingRemainder(dividingBy: b)
        }
        guard result.isFinite else { throw JSONataError("D1001: the result of \(op) is out of range") }
        return .number(result)
    }

    static func regex(_ pattern: String, _ flags: String) throws(JSONataError) -> JSONataRegex {
        guard let regex = JSONataRegex(pattern: pattern, caseInsensitive: flags.contains("i"), multiline: flags.contains("m")) else {
            throw JSONataError("S0302: /\(pattern)/ is not a valid regular expression")
        }
        return regex
    }
}
