/// A JSONata expression's syntax tree.
indirect enum JSONataNode: Sendable {
    case literal(JSONValue)
    case regex(pattern: String, flags: String)
    /// `$name`; `$` alone (the name "") is the context item, `$$` (the name "$") the input.
    case variable(String)
    case field(String)
    case wildcard
    /// `**`: the context and everything in it, at any depth (arrays as their items).
    case descendants
    /// `left.right`: `right` evaluated with each item of `left` as its context.
    case path(JSONataNode, JSONataNode)
    /// `left[predicate]`: an index, or the items for which the predicate holds.
    case filter(JSONataNode, JSONataNode)
    case binary(String, JSONataNode, JSONataNode)
    case negate(JSONataNode)
    case condition(JSONataNode, then: JSONataNode, otherwise: JSONataNode?)
    case bind(String, JSONataNode)
    case block([JSONataNode])
    case array([JSONataNode])
    case range(JSONataNode, JSONataNode)
    /// `{key: value, …}`, over the context's items (see `group`).
    case object([(key: JSONataNode, value: JSONataNode)])
    /// `items{key: value, …}`: the items grouped by each key, the value evaluated over each group.
    case group(JSONataNode, [(key: JSONataNode, value: JSONataNode)])
    case call(String, [JSONataNode])
    /// `function($a, $b) { body }`, as an argument of a function that takes one.
    case lambda([String], JSONataNode)
    /// `items[]`: the result an array even when it is a single value.
    case keepArray(JSONataNode)
    /// `items^(>price, name)`: the items ordered by the keys, each ascending or (`>`) descending.
    case order(JSONataNode, [(key: JSONataNode, descending: Bool)])
}

/// Parses JSONata by precedence climbing (operator binding powers as in the JSONata reference).
struct JSONataParser {
    private var lexer: JSONataLexer
    private var token: JSONataToken = .end
    /// How deeply the expression being read is nested: a pathological one must not exhaust the stack.
    private var depth = 0
    private static let deepest = 100

    /// Parses `text` whole. - Throws: `JSONataSyntaxError`.
    static func parse(_ text: String) throws(JSONataSyntaxError) -> JSONataNode {
        var parser = JSONataParser(lexer: JSONataLexer(text))
        try parser.advance()
        guard parser.token != .end else { throw JSONataSyntaxError(message: "the expression is empty", offset: 0) }
        let node = try parser.expression(0)
        guard parser.token == .end else { throw parser.unexpected() }
        return node
    }

    private static let bindingPowers: [String: Int] = [
        ".": 75, "[": 80, "(": 80, "^": 80, "{": 70, "*": 60, "/": 60, "%": 60, "+": 50, "-": 50, "&": 50,
        "=": 40, "!=": 40, "<": 40, "<=": 40, ">": 40, ">=": 40, "in": 40, "~>": 40, "and": 30, "or": 25, "?": 20, ":=": 10,
    ]

    private mutating func advance() throws(JSONataSyntaxError) { token = try lexer.next() }

    private func unexpected() -> JSONataSyntaxError {
        JSONataSyntaxError(message: token == .end ? "the expression ends too soon" : "unexpected \(token)", offset: lexer.offset)
    }

    private mutating func expect(_ symbol: String) throws(JSONataSyntaxError) {
        guard token == .symbol(symbol) else {
            throw JSONataSyntaxError(message: "expected '\(symbol)'", offset: lexer.offset)
        }
        try advance()
    }

    private mutating func expression(_ minimum: Int) throws(JSONataSyntaxError) -> JSONataNode {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.deepest else { throw JSONataSyntaxError(message: "the expression is nested too deeply", offset: lexer.offset) }
        var left = try operand()
        while case .symbol(let symbol) = token, let power = Self.bindingPowers[symbol], power > minimum {
            try advance()
            switch symbol {
            case ".": left = .path(left, try expression(power))
            case "[":
                if token == .symbol("]") {
                    try advance()
                    left = .keepArray(left)
                } else {
                    left = .filter(left, try expression(0))
                    try expect("]")
                }
            case "^": left = .order(left, try orderKeys())
            case "{": left = .group(left, try objectMembers())
            case "(":
                guard case .variable(let name) = left else { throw JSONataSyntaxError(message: "only $functions can be called", offset: lexer.offset) }
                left = .call(name, try list(closing: ")"))
            case "?":
                let then = try expression(0)
                var otherwise: JSONataNode?
                if token == .symbol(":") {
                    try advance()
                    otherwise = try expression(0)
                }
                left = .condition(left, then: then, otherwise: otherwise)
            case ":=":
                guard case .variable(let name) = left else { throw JSONataSyntaxError(message: "only a $variable can be bound", offset: lexer.offset) }
                left = .bind(name, try expression(power - 1))
            case "~>":
                guard case .call(let name, let arguments) = try expression(power) else {
                    throw JSONataSyntaxError(message: "~> is followed by a function call", offset: lexer.offset)
                }
                left = .call(name, [left] + arguments)
            default:
                left = .binary(symbol, left, try expression(power))
            }
        }
        return left
    }

    private mutating func operand() throws(JSONataSyntaxError) -> JSONataNode {
        let current = token
        try advance()
        switch current {
        case .number(let number): return .literal(.number(number))
        case .string(let text): return .literal(.string(text))
        case .regex(let pattern, let flags): return .regex(pattern: pattern, flags: flags)
        case .variable(let name): return .variable(name)
        case .name("true"): return .literal(.bool(true))
        case .name("false"): return .literal(.bool(false))
        case .name("null"): return .literal(.null)
        case .name("function"):
            try expect("(")
            var parameters: [String] = []
            while case .variable(let name) = token {
                parameters.append(name)
                try advance()
                guard token == .symbol(",") else { break }
                try advance()
            }
            try expect(")")
            try expect("{")
            let body = try expression(0)
            try expect("}")
            return .lambda(parameters, body)
        case .name(let name): return .field(name)
        case .symbol("*"): return .wildcard
        case .symbol("**"): return .descendants
        case .symbol("-"): return .negate(try expression(70))
        case .symbol("("):
            var steps: [JSONataNode] = []
            while token != .symbol(")") {
                steps.append(try expression(0))
                guard token == .symbol(";") else { break }
                try advance()
            }
            try expect(")")
            return .block(steps)
        case .symbol("["): return .array(try list(closing: "]", ranges: true))
        case .symbol("{"): return .object(try objectMembers())
        default:
            throw JSONataSyntaxError(message: current == .end ? "the expression ends too soon" : "unexpected \(current)", offset: lexer.offset)
        }
    }

    /// The `key: value` members of an object constructor, after its `{`.
    private mutating func objectMembers() throws(JSONataSyntaxError) -> [(key: JSONataNode, value: JSONataNode)] {
        var members: [(key: JSONataNode, value: JSONataNode)] = []
        while token != .symbol("}") {
            let key = try expression(0)
            try expect(":")
            members.append((key, try expression(0)))
            guard token == .symbol(",") else { break }
            try advance()
        }
        try expect("}")
        return members
    }

    /// The keys of `^( … )`, each ascending or, after `>`, descending.
    private mutating func orderKeys() throws(JSONataSyntaxError) -> [(key: JSONataNode, descending: Bool)] {
        try expect("(")
        var keys: [(key: JSONataNode, descending: Bool)] = []
        while token != .symbol(")") {
            let descending = token == .symbol(">")
            if descending || token == .symbol("<") { try advance() }
            keys.append((try expression(0), descending))
            guard token == .symbol(",") else { break }
            try advance()
        }
        try expect(")")
        return keys
    }

    /// Comma-separated expressions up to `closing`; in an array, an item may be a range `a..b`.
    private mutating func list(closing: String, ranges: Bool = false) throws(JSONataSyntaxError) -> [JSONataNode] {
        var items: [JSONataNode] = []
        while token != .symbol(closing) {
            var item = try expression(0)
            if ranges, token == .symbol("..") {
                try advance()
                item = .range(item, try expression(0))
            }
            items.append(item)
            guard token == .symbol(",") else { break }
            try advance()
        }
        try expect(closing)
        return items
    }
}
