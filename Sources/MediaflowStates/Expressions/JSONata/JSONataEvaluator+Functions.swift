/// Functions as values: written in an expression (`function($clip) { $clip.name }`), built in, partly applied
/// (`$substring(?, 0, 3)`) or chained (`$trim ~> $uppercase`); bound to variables, given to functions, called.
extension JSONataEvaluator {
    /// The nodes that may give a function as well as a value; any other node gives a value.
    mutating func item(_ node: JSONataNode, context: JSONValue?) throws(JSONataError) -> JSONataItem? {
        if Self.mayGiveFunction(node) { try takeStep() }
        switch node {
        case .variable(let name) where name != "" && name != "$":
            if let bound = frames.last(where: { $0.bindings[name] != nil })?.bindings[name] { return bound }
            return JSONataFunctions.isBuiltIn(name) ? .function(.builtin(name)) : nil
        case .lambda(let parameters, let signature, let body):
            return .function(.closure(parameters: parameters, signature: signature, body: body, frames: frames, context: context))
        case .regex(let pattern, let flags):
            return .function(.matcher(try Self.regex(pattern, flags)))
        case .transform(let location, let update, let delete):
            return .function(.transform(location: location, update: update, delete: delete, frames: frames))
        case .placeholder:
            throw JSONataError("S0208: ? stands only for an argument of a call")
        case .bind(let name, let valueNode):
            let bound = try item(valueNode, context: context)
            frames[frames.count - 1].bindings[name] = bound
            return bound
        case .block(let expressions):
            frames.append(JSONataFrame())
            defer { frames.removeLast() }
            var last: JSONataItem?
            for expression in expressions { last = try item(expression, context: context) }
            return last
        case .condition(let test, let then, let otherwise):
            if Self.truthy(try evaluate(test, context: context)) { return try item(then, context: context) }
            return try otherwise.flatMap { node throws(JSONataError) in try item(node, context: context) }
        case .call(let callee, let argumentNodes):
            return try call(callee, argumentNodes, first: nil, context: context)
        case .apply(let left, .call(let callee, let argumentNodes)) where !argumentNodes.contains(where: Self.isPlaceholder):
            let first = try item(left, context: context)
            return try call(callee, argumentNodes, first: first.map(Self.argument) ?? .value(nil), context: context)
        case .apply(let left, let right):
            guard case .function(let function)? = try item(right, context: context) else {
                throw JSONataError("T2006: the right side of ~> must be a function")
            }
            let given = try item(left, context: context)
            if case .function(let first)? = given { return .function(.chain(first, function)) }
            return try invoke(function, with: [.value(given?.value)], context: context)
        default:
            return try evaluate(node, context: context).map(JSONataItem.value)
        }
    }

    /// `callee(arguments)`, with `first` before the arguments when `~>` gives one; a call with placeholders
    /// gives a function that takes the missing arguments.
    private mutating func call(_ callee: JSONataNode, _ argumentNodes: [JSONataNode], first: JSONataArgument?, context: JSONValue?)
        throws(JSONataError) -> JSONataItem?
    {
        guard case .function(let function)? = try item(callee, context: context) else {
            if case .variable(let name) = callee { throw JSONataError("T1006: $\(name) is not a function") }
            throw JSONataError("T1006: the expression called is not a function")
        }
        var arguments: [JSONataArgument?] = first.map { [$0] } ?? []
        for node in argumentNodes {
            switch node {
            case .placeholder: arguments.append(nil)
            default: arguments.append(try item(node, context: context).map(Self.argument) ?? .value(nil))
            }
        }
        let given = arguments.compactMap { $0 }
        guard given.count == arguments.count else { return .function(.partial(function, arguments)) }
        if case .variable(let name) = callee { return try invoke(function, with: given, context: context, calledAs: name) }
        return try invoke(function, with: given, context: context)
    }

    /// Calls a function with `arguments`, checked against its signature when it has one (see `JSONataSignature`,
    /// which also gives a missing argument the context where the signature says so: `Surname.$uppercase()`).
    /// `name` is the name of the call the function is made in, by which a mismatch names the function.
    mutating func invoke(_ function: JSONataCallable, with arguments: [JSONataArgument], context: JSONValue?, calledAs name: String? = nil)
        throws(JSONataError) -> JSONataItem?
    {
        // A call is a step, so that functions chained into one another many times over cannot run for ever.
        try takeStep()
        switch function {
        case .closure(let parameters, let signature, let body, let scope, let definedIn):
            guard callDepth < Self.deepest else { throw JSONataError("U1001: functions call each other over \(Self.deepest) deep") }
            let given = try signature.map { signature throws(JSONataError) in
                try signature.validate(arguments, context: context, function: name)
            } ?? arguments
            var bindings: [String: JSONataItem] = [:]
            for (parameter, argument) in zip(parameters, given) { bindings[parameter] = Self.item(argument) }
            let caller = frames
            frames = scope + [JSONataFrame(bindings)]
            callDepth += 1
            defer {
                frames = caller
                callDepth -= 1
            }
            return try item(body, context: definedIn)
        case .builtin(let builtin):
            let given = try JSONataFunctions.signatures[builtin].map { signature throws(JSONataError) in
                try signature.validate(arguments, context: context, function: name ?? builtin)
            } ?? arguments
            if case .some(let applied) = try higherOrder(builtin, given, context: context) { return applied.map(JSONataItem.value) }
            return try JSONataFunctions.call(builtin, given, in: &environment).map(JSONataItem.value)
        case .partial(let inner, let partial):
            var rest = arguments[...]
            let filled = partial.map { $0 ?? rest.popFirst() ?? .value(nil) }
            return try invoke(inner, with: filled, context: context, calledAs: name)
        case .matcher(let regex):
            guard case .value(.string(let text)?)? = arguments.first, let match = regex.firstMatch(in: text) else { return nil }
            return .value(JSONataFunctions.matchObject(match))
        case .transform(let location, let update, let delete, let scope):
            guard case .value(let value?)? = arguments.first else { return nil }
            let caller = frames
            frames = scope
            defer { frames = caller }
            return .value(try transform(value, at: Self.steps(of: location)[...], update: update, delete: delete))
        case .chain(let first, let second):
            let between = try invoke(first, with: arguments, context: context, calledAs: name)
            return try invoke(second, with: [between.map(Self.argument) ?? .value(nil)], context: context, calledAs: name)
        }
    }

    /// Calls `function` for the built-in function `caller` with as many of `values` as it takes, and gives the
    /// value it returns.
    private mutating func apply(_ function: JSONataCallable, _ values: [JSONValue?], for caller: String, context: JSONValue?)
        throws(JSONataError) -> JSONValue?
    {
        let arguments = values.prefix(max(function.arity, 1)).map(JSONataArgument.value)
        return try invoke(function, with: arguments, context: context, calledAs: caller)?.value
    }

    /// Calls `$map`, `$filter`, `$reduce`, `$sort`, `$single`, `$each`, `$sift` or `$replace` when given a
    /// function, and gives its result (which may be nil, undefined); `.none` for any other call.
    mutating func higherOrder(_ name: String, _ arguments: [JSONataArgument], context: JSONValue?) throws(JSONataError) -> JSONValue?? {
        if name == "replace", arguments.count >= 3, case .function(let replacer) = arguments[2] {
            return .some(try replace(arguments, by: replacer, context: context))
        }
        guard JSONataFunctions.higherOrder.contains(name), arguments.count >= 2 else { return .none }
        guard let value = arguments[0].value else { return .some(nil) }
        let function: JSONataCallable
        switch arguments[1] {
        case .function(let given): function = given
        // `$single(array)`: the one item there is.
        case .value(nil) where name == "single": function = .builtin("exists")
        default: return .none
        }
        let items = Self.items(of: value)
        switch name {
        case "map":
            var results: [JSONValue] = []
            for (index, item) in items.enumerated() {
                if let result = try apply(function, [item, .number(Double(index)), value], for: name, context: context) { results.append(result) }
            }
            return Self.sequence(results)
        case "filter", "single":
            var found: [JSONValue] = []
            for (index, item) in items.enumerated()
            where Self.truthy(try apply(function, [item, .number(Double(index)), value], for: name, context: context)) {
                found.append(item)
            }
            if name == "filter" { return Self.sequence(found) }
            guard found.count == 1 else {
                throw JSONataError(found.isEmpty ? "D3139: $single found no match" : "D3138: $single found more than one match")
            }
            return found[0]
        case "each", "sift":
            // The signature lets only an object through.
            guard case .object(let members) = value else { return .some(nil) }
            var results: [JSONValue] = []
            var kept: JSONObject = [:]
            for (key, member) in members {
                let result = try apply(function, [member, .string(key), value], for: name, context: context)
                if name == "sift" {
                    if Self.truthy(result) { kept[key] = member }
                } else if let result {
                    results.append(result)
                }
            }
            let sifted: JSONValue? = kept.isEmpty ? nil : .object(kept)
            return name == "sift" ? sifted : Self.sequence(results)
        case "reduce":
            guard function.arity >= 2 else { throw JSONataError("D3050: the function given to $reduce takes at least two arguments") }
            var rest = items[...]
            guard var accumulated = (arguments.count > 2 ? arguments[2].value : nil) ?? rest.popFirst() else { return .some(nil) }
            for (offset, item) in rest.enumerated() {
                let index = Double(items.count - rest.count + offset)
                accumulated = try apply(function, [accumulated, item, .number(index), value], for: name, context: context) ?? .null
            }
            return accumulated
        default:
            return .array(try Self.mergeSort(items) { left, right throws(JSONataError) in
                Self.truthy(try apply(function, [left, right], for: name, context: context))
            })
        }
    }

    /// `$replace(text, pattern, function)`: each match replaced by what the function gives for it (`match`,
    /// `index`, `groups`), a string.
    private mutating func replace(_ arguments: [JSONataArgument], by replacer: JSONataCallable, context: JSONValue?)
        throws(JSONataError) -> JSONValue?
    {
        guard let subject = arguments[0].value else { return nil }
        guard case .string(let text) = subject else { throw JSONataError("T0410: argument 1 of function $replace is not a string") }
        guard case .regex(let regex) = arguments[1] else { throw JSONataError("T0410: argument 2 of function $replace is not a regular expression") }
        let limit = arguments.count > 3 ? arguments[3].value?.numberValue.map { Int(saturating: $0) } : nil
        var failure: JSONataError?
        let replaced = regex.replacing(in: text, limit: limit) { match in
            guard failure == nil else { return "" }
            do throws(JSONataError) {
                let result = try apply(replacer, [JSONataFunctions.matchObject(match)], for: "replace", context: context)
                guard case .string(let replacement)? = result else { throw JSONataError("D3012: the function given to $replace must return a string") }
                return replacement
            } catch {
                failure = error
                return ""
            }
        }
        if let failure { throw failure }
        return .string(replaced)
    }

    /// Whether `item` evaluates the node (it may give a function); `evaluate` does all others.
    static func mayGiveFunction(_ node: JSONataNode) -> Bool {
        switch node {
        case .variable(let name): name != "" && name != "$"
        case .regex, .call, .apply, .bind, .block, .condition, .lambda, .placeholder, .transform: true
        default: false
        }
    }

    static func isPlaceholder(_ node: JSONataNode) -> Bool {
        if case .placeholder = node { return true }
        return false
    }

    static func argument(_ item: JSONataItem) -> JSONataArgument {
        switch item {
        case .value(let value): .value(value)
        case .function(.matcher(let regex)): .regex(regex)
        case .function(let function): .function(function)
        }
    }

    static func item(_ argument: JSONataArgument) -> JSONataItem? {
        switch argument {
        case .value(let value): value.map(JSONataItem.value)
        case .function(let function): .function(function)
        case .regex: nil
        }
    }

    /// `items^(keys)`: ordered by each key in turn, the items whose keys tie keeping their order.
    mutating func order(_ items: [JSONValue], by keys: [(key: JSONataNode, descending: Bool)]) throws(JSONataError) -> [JSONValue] {
        var keyed: [(item: JSONValue, keys: [JSONValue?])] = []
        for item in items {
            var values: [JSONValue?] = []
            for key in keys { values.append(try evaluate(key.key, context: item)) }
            keyed.append((item, values))
        }
        let sorted = try Self.mergeSort(keyed) { left, right throws(JSONataError) in
            for (index, key) in keys.enumerated() {
                switch (left.keys[index], right.keys[index]) {
                case (.number(let a)?, .number(let b)?) where a != b: return key.descending ? a < b : a > b
                case (.string(let a)?, .string(let b)?) where a != b: return key.descending ? a < b : a > b
                case (.number?, .number?), (.string?, .string?), (nil, nil): continue
                case (nil, _?): return true
                case (_?, nil): return false
                default: throw JSONataError("T2008: the keys of ^( ) must be all numbers or all strings")
                }
            }
            return false
        }
        return sorted.map(\.item)
    }

    /// A stable sort in which `swaps(a, b)` says whether `a` belongs after `b`, as JSONata's `$sort` asks.
    static func mergeSort<Element>(_ items: [Element], _ swaps: (Element, Element) throws(JSONataError) -> Bool) throws(JSONataError) -> [Element] {
        guard items.count > 1 else { return items }
        let middle = items.count / 2
        let left = try mergeSort(Array(items[..<middle]), swaps)
        let right = try mergeSort(Array(items[middle...]), swaps)
        var merged: [Element] = []
        merged.reserveCapacity(items.count)
        var (i, j) = (0, 0)
        while i < left.count, j < right.count {
            if try swaps(left[i], right[j]) {
                merged.append(right[j])
                j += 1
            } else {
                merged.append(left[i])
                i += 1
            }
        }
        return merged + left[i...] + right[j...]
    }
}
