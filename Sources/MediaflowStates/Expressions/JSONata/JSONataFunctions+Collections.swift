/// JSONata's array and object functions.
extension JSONataFunctions {
    static let collections: [String: JSONataFunction] = [
        "append": { args, _ throws(JSONataError) in
            guard let first = try args.optional(0) else { return try args.optional(1) }
            guard let second = try args.optional(1) else { return first }
            return .array(JSONataEvaluator.items(of: first) + JSONataEvaluator.items(of: second))
        },
        "reverse": { args, _ throws(JSONataError) in args.array(0).map { .array($0.reversed()) } },
        "distinct": { args, _ throws(JSONataError) in
            // Anything but an array of two or more is given back as it is.
            guard let value = try args.optional(0) else { return nil }
            guard case .array(let values) = value, values.count > 1 else { return value }
            var seen = Set<JSONValue>()
            return .array(values.filter { seen.insert($0).inserted })
        },
        "sort": { args, _ throws(JSONataError) in
            guard let values = args.array(0) else { return nil }
            guard values.count > 1 else { return .array(values) }
            if values.allSatisfy({ if case .number = $0 { true } else { false } }) {
                return .array(values.sorted { ($0.numberValue ?? 0) < ($1.numberValue ?? 0) })
            }
            let texts = values.compactMap(\.stringValue)
            guard texts.count == values.count else { throw JSONataError("D3070: $sort without a function sorts only numbers or only strings") }
            return .array(texts.sorted().map { .string($0) })
        },
        "shuffle": { args, environment throws(JSONataError) in args.array(0).map { .array($0.shuffled(using: &environment.random)) } },
        "zip": { args, _ throws(JSONataError) in
            let arrays = args.list.indices.map { args.array($0) ?? [] }
            let length = arrays.map(\.count).min() ?? 0
            return .array((0..<length).map { index in .array(arrays.map { $0[index] }) })
        },
        "keys": { args, _ throws(JSONataError) in
            guard let value = try args.optional(0) else { return nil }
            let keys = JSONataEvaluator.items(of: value).flatMap { $0.objectValue.map { $0.keys } ?? [] }
            var seen = Set<String>()
            return JSONataEvaluator.sequence(keys.filter { seen.insert($0).inserted }.map { .string($0) })
        },
        "lookup": { args, _ throws(JSONataError) in
            guard let value = try args.optional(0), let key = try args.string(1) else { return nil }
            return JSONataEvaluator.lookup(key, in: value)
        },
        "spread": { args, _ throws(JSONataError) in
            guard let value = try args.optional(0) else { return nil }
            // An array gives an array (as JavaScript's concat makes one), an object a sequence of its members.
            guard case .array(let items) = value else { return JSONataEvaluator.sequence(spread(value)) }
            return items.isEmpty ? nil : .array(items.flatMap(spread))
        },
        "merge": { args, _ throws(JSONataError) in
            guard let values = args.array(0) else { return nil }
            var merged: JSONObject = [:]
            for value in values {
                guard case .object(let members) = value else { throw JSONataError("T0412: $merge takes an array of objects") }
                merged.merge(members) { $1 }
            }
            return .object(merged)
        },
        "type": { args, _ throws(JSONataError) in
            if args.isFunction(0) { return .string("function") }
            return try args.optional(0).map { .string(typeName($0)) }
        },
        "error": { args, _ throws(JSONataError) in throw JSONataError("D3137: \(try args.string(0) ?? "$error() function evaluated")") },
        "assert": { args, _ throws(JSONataError) in
            guard case .bool(let holds)? = try args.optional(0) else { throw args.mismatch(0, "a Boolean") }
            if !holds { throw JSONataError("D3141: \(try args.string(1) ?? "$assert() statement failed")") }
            return nil
        },
    ]

    /// `$spread` of one value: an object as an object for each member, an array as the spread of its items.
    private static func spread(_ value: JSONValue) -> [JSONValue] {
        switch value {
        case .object(let members): members.map { .object([$0.key: $0.value]) }
        case .array(let items): items.flatMap(spread)
        default: [value]
        }
    }
}
