/// A scope's variables. A function keeps the frames it was written in, and sees what is bound in them later:
/// a function bound to `$fact` can call `$fact`.
final class JSONataFrame {
    var bindings: [String: JSONataItem]

    init(_ bindings: [String: JSONataItem] = [:]) { self.bindings = bindings }
}

/// What an expression gives inside the evaluator: a JSON value or a function.
enum JSONataItem {
    case value(JSONValue)
    case function(JSONataCallable)

    var value: JSONValue? {
        if case .value(let value) = self { return value }
        return nil
    }
}

/// A function as a value: written in the expression, built in, a regular expression, partly applied, or two
/// chained with `~>`.
indirect enum JSONataCallable {
    /// `function($a) { body }` with its signature, if it has one, and the frames and the context it was written in.
    case closure(parameters: [String], signature: JSONataSignature?, body: JSONataNode, frames: [JSONataFrame], context: JSONValue?)
    case builtin(String)
    /// `$f(?, 1)`: the arguments given, nil where a placeholder waits for one.
    case partial(JSONataCallable, [JSONataArgument?])
    /// `| location | update, delete |`, with the frames it was written in.
    case transform(location: JSONataNode, update: JSONataNode, delete: JSONataNode?, frames: [JSONataFrame])
    /// A regular expression: called with a string, it gives the first match (as `$match` gives it).
    case matcher(JSONataRegex)
    /// `$f ~> $g`: `$g` applied to what `$f` gives.
    case chain(JSONataCallable, JSONataCallable)

    /// How many arguments a function given to `$map`, `$filter` and the like is handed.
    var arity: Int {
        switch self {
        case .closure(let parameters, _, _, _, _): parameters.count
        case .builtin(let name): JSONataFunctions.arity(of: name)
        case .matcher, .transform: 1
        case .partial(_, let arguments): arguments.filter { $0.map { _ in false } ?? true }.count
        case .chain(let first, _): first.arity
        }
    }
}
