/// A function's signature as JSONata writes it (`<s-nn?:s>`): the type of each parameter, checked against a
/// call's arguments before the function runs. A parameter marked `-` takes the context when its argument is
/// missing (`Surname.$uppercase()`), `?` may be left out and `+` repeats; an array parameter (`a`, `a<n>`)
/// takes a single value as an array of one. The type after `:`, the result's, is not checked, as in JSONata.
struct JSONataSignature: Sendable, Hashable {
    struct Parameter: Sendable, Hashable {
        /// `s`, `n`, `b`, `l`, `o`, `a`, `f`, `j`, `x`, or `(` for a choice such as `(sf)`.
        let type: Character
        /// The kinds of argument it takes, one bit for each letter of `symbol(of:)`.
        let accepts: UInt32
        var optional = false
        var repeated = false
        var takesContext = false
        /// For `a<n>`: the letter every item of the array must have.
        var itemType: Character?
    }

    let parameters: [Parameter]

    /// Reads a signature from its `<` to its `>`. - Throws: `JSONataSyntaxError` at `offset` for any letter
    /// JSONata does not define, and where JSONata refuses one (S0401, S0402).
    init(_ text: String, offset: Int = 0) throws(JSONataSyntaxError) {
        func invalid(_ message: String) -> JSONataSyntaxError {
            JSONataSyntaxError(message: "the signature \(text): \(message)", offset: offset)
        }
        let letters = Array(text)
        guard letters.first == "<", letters.last == ">" else { throw invalid("a signature is written between < and >") }
        var parameters: [Parameter] = []
        var position = 1
        read: while position < letters.count - 1 {
            let letter = letters[position]
            switch letter {
            case ":": break read
            case "s", "n", "b", "l", "o": parameters.append(Parameter(type: letter, accepts: Self.bits("\(letter)m")))
            case "a", "x": parameters.append(Parameter(type: letter, accepts: Self.bits("asnblfom")))
            case "j": parameters.append(Parameter(type: letter, accepts: Self.bits("asnblom")))
            case "f": parameters.append(Parameter(type: letter, accepts: Self.bits("f")))
            case "-", "?", "+":
                guard !parameters.isEmpty else { throw invalid("'\(letter)' follows no parameter") }
                if letter == "+" { parameters[parameters.count - 1].repeated = true } else { parameters[parameters.count - 1].optional = true }
                if letter == "-" { parameters[parameters.count - 1].takesContext = true }
            case "(":
                guard let close = letters[position...].firstIndex(of: ")") else { throw invalid("a choice ( is not closed") }
                let choice = String(letters[(position + 1)..<close])
                guard !choice.contains("<") else { throw invalid("S0402: a choice of types cannot hold a type with parameters") }
                guard choice.allSatisfy("snblofajx".contains) else { throw invalid("a choice holds a letter that is not a type") }
                parameters.append(Parameter(type: "(", accepts: Self.bits(choice + "m")))
                position = close
            case "<":
                guard let last = parameters.last, last.type == "a" || last.type == "f" else {
                    throw invalid("S0401: only an array (a) or a function (f) takes a type in < >")
                }
                let close = Self.closing(letters, from: position)
                guard close < letters.count - 1 else { throw invalid("a < is not closed") }
                if last.type == "a" { parameters[parameters.count - 1].itemType = letters[position + 1] }
                position = close
            default:
                throw invalid("'\(letter)' is not a type")
            }
            position += 1
        }
        self.parameters = parameters
    }

    /// The arguments the function runs with: the context in place of a missing argument marked `-`, nil for a
    /// missing optional one, a single value where an array is expected as an array of one.
    /// - Throws: T0410 when the arguments do not fit, T0411 when the context does not where it is taken,
    ///   T0412 when an array's items are not all of the type the signature names.
    func validate(_ arguments: [JSONataArgument], context: JSONValue?, function name: String?) throws(JSONataError)
        -> [JSONataArgument]
    {
        let symbols = arguments.map(Self.symbol)
        var counts = [Int](repeating: 0, count: parameters.count)
        guard match(symbols, from: 0, parameter: 0, upTo: parameters.count, whole: true, counts: &counts) else {
            throw Self.error("T0410", "Argument \(mismatchedArgument(symbols)) of \(Self.naming(name)) does not match function signature")
        }
        var validated: [JSONataArgument] = []
        var index = 0
        for (parameter, count) in zip(parameters, counts) {
            guard count > 0 else {
                if parameter.takesContext {
                    guard parameter.accepts & Self.bit(Self.symbol(of: context)) != 0 else {
                        throw Self.error("T0411", "Context value is not a compatible type with argument \(index + 1) of \(Self.naming(name))")
                    }
                    validated.append(.value(context))
                } else {
                    validated.append(index < arguments.count ? arguments[index] : .value(nil))
                    index += 1
                }
                continue
            }
            for _ in 0..<count {
                validated.append(try Self.check(arguments[index], as: parameter, index: index, function: name))
                index += 1
            }
        }
        return validated
    }

    /// An argument of an array parameter as the function takes it: an array, its items of the type named.
    private static func check(_ argument: JSONataArgument, as parameter: Parameter, index: Int, function name: String?)
        throws(JSONataError) -> JSONataArgument
    {
        let kind = symbol(argument)
        guard parameter.type == "a", kind != "m" else { return argument }
        if let itemType = parameter.itemType {
            let fits = switch argument {
                case .value(.array(let items)?): items.allSatisfy { symbol(of: $0) == itemType }
                default: kind == itemType
            }
            guard fits else {
                let plural = ["a": "arrays", "b": "booleans", "f": "functions", "n": "numbers", "o": "objects", "s": "strings"][itemType]
                throw error("T0412", "Argument \(index + 1) of \(naming(name)) must be an array of \"\(plural ?? String(itemType))\"")
            }
        }
        guard case .value(let value?) = argument, kind != "a" else { return argument }
        return .value(.array([value]))
    }

    /// Whether the symbols from `position` fit the parameters from `index` to `end` (and, when `whole`, end
    /// there), as a regular expression of them would: each parameter takes as many as it can, then fewer.
    private func match(_ symbols: [Character], from position: Int, parameter index: Int, upTo end: Int, whole: Bool, counts: inout [Int]) -> Bool {
        guard index < end else { return !whole || position == symbols.count }
        let parameter = parameters[index]
        var most = 0
        while position + most < symbols.count, parameter.accepts & Self.bit(symbols[position + most]) != 0, most == 0 || parameter.repeated {
            most += 1
        }
        let least = parameter.optional ? 0 : 1
        guard most >= least else { return false }
        for taken in stride(from: most, through: least, by: -1) {
            counts[index] = taken
            if match(symbols, from: position + taken, parameter: index + 1, upTo: end, whole: whole, counts: &counts) { return true }
        }
        return false
    }

    /// Which argument (from 1) breaks the signature: one past those the longest fitting run of parameters takes.
    private func mismatchedArgument(_ symbols: [Character]) -> Int {
        var fitting = 0
        var counts = [Int](repeating: 0, count: parameters.count)
        for end in stride(from: 1, through: parameters.count, by: 1) {
            guard match(symbols, from: 0, parameter: 0, upTo: end, whole: false, counts: &counts) else { break }
            fitting = counts[..<end].reduce(0, +)
        }
        return fitting + 1
    }

    /// The letter of an argument's kind: `m` for missing (undefined), `l` for null, `f` for a function.
    static func symbol(_ argument: JSONataArgument) -> Character {
        switch argument {
        case .value(let value): symbol(of: value)
        case .regex, .function: "f"
        }
    }

    static func symbol(of value: JSONValue?) -> Character {
        switch value {
        case nil: "m"
        case .null?: "l"
        case .bool?: "b"
        case .number?: "n"
        case .string?: "s"
        case .array?: "a"
        case .object?: "o"
        }
    }

    private static func bit(_ letter: Character) -> UInt32 {
        guard let ascii = letter.asciiValue, ascii >= 97, ascii <= 122 else { return 0 }
        return 1 << UInt32(ascii - 97)
    }

    private static func bits(_ letters: String) -> UInt32 {
        letters.reduce(0) { $0 | bit($1) }
    }

    /// The position of the `>` that closes the `<` at `start`.
    private static func closing(_ letters: [Character], from start: Int) -> Int {
        var depth = 0
        for position in start..<letters.count {
            if letters[position] == "<" { depth += 1 } else if letters[position] == ">" { depth -= 1 }
            if depth == 0 { return position }
        }
        return letters.count
    }

    /// The function as JSONata's messages name it: by the name it was called by, when it has one.
    private static func naming(_ name: String?) -> String {
        name.map { "function \"\($0)\"" } ?? "the function"
    }

    private static func error(_ code: String, _ message: String) -> JSONataError {
        JSONataError("\(code): \(message)")
    }
}
