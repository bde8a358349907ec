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
    /// `%`: the item the context item was found in, one step back along the path.
    case parent
    /// A path in which `%` appears: evaluated with each item's ancestors carried along.
    case ancestryPath(JSONataNode)
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
    /// `$f(a, b)`: the function the first node gives, called with the others.
    case call(JSONataNode, [JSONataNode])
    /// `?` among a call's arguments: the call makes a function that takes the missing arguments.
    case placeholder
    /// `value ~> $f(b)` (called as `$f(value, b)`), or `value ~> $f` where `$f` is any function.
    case apply(JSONataNode, JSONataNode)
    /// `step#$i`: in a path, `$i` bound to each item's position among those the step gives for its context.
    case position(JSONataNode, String)
    /// `step@$v`: in a path, `$v` bound to each item the step gives, the next step still over the step's context.
    case focus(JSONataNode, String)
    /// `| location | update, delete |`: a function that copies an object and, at each object the location
    /// finds in the copy, merges in the update and removes the fields named by `delete`.
    case transform(location: JSONataNode, update: JSONataNode, delete: JSONataNode?)
    /// `function($a, $b) { body }`: a function, with the variables in scope where it is written, and the signature
    /// its arguments are checked against when it has one (`function($n)<n:n>{ … }`).
    case lambda([String], JSONataSignature?, JSONataNode)
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
    /// How many `%` have been read: a path whose tokens include one is evaluated with its items' ancestors.
    private var parentsRead = 0
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
        ".": 75, "[": 80, "(": 80, "#": 80, "@": 80, "^": 40, "{": 70, "*": 60, "/": 60, "%": 60, "+": 50, "-": 50, "&": 50,
        "=": 40, "!=": 40, "<": 40, "<=": 40, ">": 40, ">=": 40, "in": 40, "~>": 40, "and": 30, "or": 25, "?": 20, ":=": 10,
    ]

    /// A step of a path: a string literal there names a field (`Other.'Over 18 ?'`).
    private static func step(_ node: JSONataNode) -> JSONataNode {
        switch node {
        case .literal(.string(let name)): .field(name)
        case .filter(let base, let predicate): .filter(step(base), predicate)
        case .keepArray(let base): .keepArray(step(base))
        case .position(let base, let name): .position(step(base), name)
        case .focus(let base, let name): .focus(step(base), name)
        default: node
        }
    }

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
        let parentsBefore = parentsRead
        var left = try operand()
        while case .symbol(let symbol) = token, let power = Self.bindingPowers[symbol], power > minimum {
            try advance()
            switch symbol {
            case ".":
                let steps = (Self.step(left), Self.step(try expression(power)))
                for step in [steps.0, steps.1] {
                    if case .literal = step {
                        throw JSONataSyntaxError(message: "S0213: a number, true, false or null cannot be a step of a path", offset: lexer.offset)
                    }
                }
                left = .path(steps.0, steps.1)
            case "[":
                if token == .symbol("]") {
                    try advance()
                    left = .keepArray(left)
                } else {
                    left = .filter(left, try expression(0))
                    try expect("]")
                }
            case "^": left = .order(left, try orderKeys())
            case "#", "@":
                guard case .variable(let name) = token, !name.isEmpty, name != "$" else {
                    throw JSONataSyntaxError(message: "\(symbol) is followed by a $variable", offset: lexer.offset)
                }
                try advance()
                left = symbol == "#" ? .position(Self.step(left), name) : .focus(Self.step(left), name)
            case "{": left = .group(left, try objectMembers())
            case "(":
                switch left {
                case .variable, .call, .block, .lambda, .regex: left = .call(left, try list(closing: ")", placeholders: true))
                default: throw JSONataSyntaxError(message: "only $functions can be called", offset: lexer.offset)
                }
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
            case "~>": left = .apply(left, try expression(power))
            default:
                left = .binary(symbol, left, try expression(power))
            }
        }
        if case .path = left, parentsRead > parentsBefore { return .ancestryPath(left) }
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
        case .name(let word) where (word == "function" || word == "λ") && token == .symbol("("):
            try expect("(")
            var parameters: [String] = []
            while case .variable(let name) = token {
                parameters.append(name)
                try advance()
                guard token == .symbol(",") else { break }
                try advance()
            }
            try expect(")")
            let signature = try self.signature()
            try expect("{")
            let body = try expression(0)
            try expect("}")
            return .lambda(parameters, signature, body)
        case .name(let name): return .field(name)
        case .symbol(let word) where ["and", "or", "in"].contains(word): return .field(word)
        case .symbol("*"): return .wildcard
        case .symbol("**"): return .descendants
        case .symbol("%"):
            parentsRead += 1
            return .parent
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
        case .symbol("|"):
            let location = try expression(0)
            try expect("|")
            let update = try expression(0)
            var delete: JSONataNode?
            if token == .symbol(",") {
                try advance()
                delete = try expression(0)
            }
            try expect("|")
            return .transform(location: location, update: update, delete: delete)
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
        guard !keys.isEmpty else { throw JSONataSyntaxError(message: "^( ) has no key to order by", offset: lexer.offset) }
        return keys
    }

    /// A function's signature (`function($n)<n:n>{ … }`), read from its tokens as JSONata reads it; nil when the
    /// function has none.
    private mutating func signature() throws(JSONataSyntaxError) -> JSONataSignature? {
        guard token == .symbol("<") else { return nil }
        let start = lexer.offset
        var text = ""
        var open = 0
        repeat {
            switch token {
            case .symbol(let symbol): text += symbol
            case .name(let letters): text += letters
            case .end: throw JSONataSyntaxError(message: "a function's signature is not closed", offset: lexer.offset)
            default: throw JSONataSyntaxError(message: "a function's signature holds \(token)", offset: lexer.offset)
            }
            if token == .symbol("<") { open += 1 } else if token == .symbol(">") { open -= 1 }
            try advance()
        } while open > 0
        return try JSONataSignature(text, offset: start)
    }

    /// Comma-separated expressions up to `closing`; in an array, an item may be a range `a..b`, and among a
    /// call's arguments `?` stands for one to be given later.
    private mutating func list(closing: String, ranges: Bool = false, placeholders: Bool = false) throws(JSONataSyntaxError)
        -> [JSONataNode]
    {
        var items: [JSONataNode] = []
        while token != .symbol(closing) {
            if placeholders, token == .symbol("?") {
                try advance()
                items.append(.placeholder)
                guard token == .symbol(",") else { break }
                try advance()
                continue
            }
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
