/// Functions written in an expression (`function($clip) { $clip.name }`), given to the built-in functions that
/// take one or kept in a variable, and those built-in functions.
extension JSONataEvaluator {
    /// The function a variable in scope holds.
    func function(named name: String) -> (parameters: [String], body: JSONataNode)? {
        frames.last { $0.functions[name] != nil }?.functions[name]
    }

    /// Calls `$map`, `$filter`, `$reduce`, `$sort`, `$single`, `$each` or `$sift` when given a function, and gives
    /// its result (which may be nil, undefined); `.none` for any other call.
    mutating func higherOrder(_ name: String, _ arguments: [JSONataArgument], context: JSONValue?) throws(JSONataError) -> JSONValue?? {
        guard ["map", "filter", "reduce", "sort", "single", "each", "sift"].contains(name), arguments.count >= 2,
            case .function(let parameters, let body) = arguments[1]
        else { return .none }
        guard let value = arguments[0].value else { return .some(nil) }
        let items = Self.items(of: value)
        func apply(_ values: [JSONValue?]) throws(JSONataError) -> JSONValue? {
            try call(parameters, body, with: values, context: context)
        }
        switch name {
        case "map":
            var results: [JSONValue] = []
            for (index, item) in items.enumerated() {
                if let result = try apply([item, .number(Double(index)), value]) { results.append(result) }
            }
            return Self.sequence(results)
        case "filter":
            var kept: [JSONValue] = []
            for (index, item) in items.enumerated() where Self.truthy(try apply([item, .number(Double(index)), value])) {
                kept.append(item)
            }
            return Self.sequence(kept)
        case "single":
            var found: [JSONValue] = []
            for (index, item) in items.enumerated() where Self.truthy(try apply([item, .number(Double(index)), value])) {
                found.append(item)
            }
            guard found.count == 1 else {
                throw JSONataError(found.isEmpty ? "D3139: $single found no match" : "D3138: $single found more than one match")
            }
            return found[0]
        case "each", "sift":
            guard case .object(let members) = value else { throw JSONataError("T0410: argument 1 of function $\(name) is not an object") }
            var results: [JSONValue] = []
            var kept: [String: JSONValue] = [:]
            for key in members.keys.sorted() {
                let result = try apply([members[key]!, .string(key), value])
                if name == "sift" {
                    if Self.truthy(result) { kept[key] = members[key] }
                } else if let result {
                    results.append(result)
                }
            }
            let sifted: JSONValue? = kept.isEmpty ? nil : .object(kept)
            return name == "sift" ? sifted : Self.sequence(results)
        case "reduce":
            guard parameters.count >= 2 else { throw JSONataError("D3050: the function given to $reduce takes at least two arguments") }
            var rest = items[...]
            guard var accumulated = arguments.count > 2 ? arguments[2].value : rest.popFirst() else { return .some(nil) }
            for (offset, item) in rest.enumerated() {
                accumulated = try apply([accumulated, item, .number(Double(items.count - rest.count + offset)), value]) ?? .null
            }
            return accumulated
        default:
            return .array(try Self.mergeSort(items) { left, right throws(JSONataError) in Self.truthy(try apply([left, right])) })
        }
    }

    /// Calls a function written in the expression, its parameters bound to `values` in a scope of their own.
    mutating func call(_ parameters: [String], _ body: JSONataNode, with values: [JSONValue?], context: JSONValue?)
        throws(JSONataError) -> JSONValue?
    {
        guard frames.count < Self.deepest else { throw JSONataError("U1001: functions call each other over \(Self.deepest) deep") }
        var frame = Frame()
        for (parameter, value) in zip(parameters, values) { frame.values[parameter] = value }
        frames.append(frame)
        defer { frames.removeLast() }
        return try evaluate(body, context: context)
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
