/// What an expression in a state can see: the input (`$`), the context object (`$$`, built only
/// when asked for) and the variables in scope (`$name`), plus the execution's random source. A JSONata
/// expression sees them as `$states`, with the state's result or error output where it has one.
struct EvaluationScope {
    var input: JSONValue
    var variables: JSONObject
    var random: SplitMix64
    var result: JSONValue?
    var errorOutput: JSONValue?
    /// The execution's clock, seconds since 1970 (JSONata's `$now()`).
    let now: Double
    private let makeContext: () -> JSONValue

    init(input: JSONValue, variables: JSONObject, random: SplitMix64, now: Double, context: @escaping () -> JSONValue) {
        self.input = input
        self.variables = variables
        self.random = random
        self.now = now
        self.makeContext = context
    }

    /// JSONata's `$states`: `input`, `context`, and `result` or `errorOutput` when the state has one.
    func statesVariable() -> JSONValue {
        var states: JSONObject = ["input": input, "context": makeContext()]
        if let result { states["result"] = result }
        if let errorOutput { states["errorOutput"] = errorOutput }
        return .object(states)
    }

    /// The root a path starts from. - Throws: `States.Runtime` for an undefined variable.
    func root(of path: JSONPath) throws(StatesError) -> JSONValue {
        switch path.root {
        case .input: return input
        case .context: return makeContext()
        case .variable(let name):
            guard let value = variables[name] else {
                throw StatesError.runtime("The variable '$\(name)' is not defined.")
            }
            return value
        }
    }

    /// The value a path selects, or nil when a definite path finds nothing.
    func value(of path: JSONPath) throws(StatesError) -> JSONValue? {
        path.evaluate(in: try root(of: path))
    }

    /// The value a path selects, failing the way Step Functions does when there is none.
    func require(_ path: JSONPath) throws(StatesError) -> JSONValue {
        guard let value = try value(of: path) else {
            throw StatesError.runtime("Invalid path '\(path.text)' : No results for path: \(path.canonicalText)")
        }
        return value
    }
}

/// A small deterministic random generator whose whole state is one integer, so it is persisted
/// with the execution and a replay draws the same numbers.
struct SplitMix64: RandomNumberGenerator, Codable, Sendable, Hashable {
    var state: UInt64

    init(state: UInt64) { self.state = state }

    /// The state is written as decimal text, since a JSON number is read as a double, exact to 53 bits only;
    /// a state written as a number before is read as near as a double holds it.
    init(from decoder: any Decoder) throws {
        let members = try decoder.container(keyedBy: CodingKeys.self)
        if let text = try? members.decode(String.self, forKey: .state), let state = UInt64(text) {
            self.state = state
        } else {
            let number = try members.decode(Double.self, forKey: .state)
            state = number < 0x1p64 ? UInt64(max(0, number)) : .max
        }
    }

    func encode(to encoder: any Encoder) throws {
        var members = encoder.container(keyedBy: CodingKeys.self)
        try members.encode(String(state), forKey: .state)
    }

    private enum CodingKeys: String, CodingKey { case state }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A version-4 UUID in lower-case text.
    mutating func uuid() -> String {
        var bytes = [UInt8](repeating: 0, count: 16)
        for chunk in 0..<2 {
            let word = next()
            for offset in 0..<8 { bytes[chunk * 8 + offset] = UInt8(truncatingIfNeeded: word >> (offset * 8)) }
        }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = bytes.map { String($0, radix: 16).leftPadded(to: 2) }
        return [hex[0..<4], hex[4..<6], hex[6..<8], hex[8..<10], hex[10..<16]].map { $0.joined() }.joined(separator: "-")
    }
}

extension String {
    func leftPadded(to width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}
