import MediaflowStates
import Testing

/// Function signatures: each call's arguments checked against the function's, the built-in functions' and
/// those written in the expression (`function($n)<n:n>{ … }`). The expected values and error codes are those
/// the reference JSONata implementation gives.
struct JSONataSignatureTests {
    @Test(arguments: [
        // A parameter marked `-` takes the context when its argument is missing.
        ("$states.input.clip.$uppercase()", "CLIP_01.MP4"),
        ("$states.input.items.name.$uppercase()", ["A", "B", "C"]),
        ("$states.input.clip.$substring(5)", "01.mp4"),
        ("$states.input.clip ~> $substringBefore('.')", "clip_01"),
        ("$states.input.items.price.$string()", ["1", "2", "4"]),
        // An array parameter takes a single value as an array of one.
        ("$sum(5)", 5),
        ("$count(null)", 1),
        ("$join('a', '-')", "a"),
        ("function($x)<a:a>{ $x }(5)", [5]),
        ("function($x)<a<n>:n>{ $count($x) }([])", 0),
        // A missing optional argument is undefined.
        ("$reduce([1, 2, 3], function($a, $b) { $a + $b })", 6),
        ("$single([3])", 3),
        ("$pad('a', $states.input.nothing)", "a"),
        ("function($x, $y)<nn?:n>{ $exists($y) ? 1 : 0 }(1)", 0),
        ("function($n)<n-:n>{ $n * 2 }(4)", 8),
        ("function($x)<(ns):x>{ $x }('a')", "a"),
        ("function($x)<x+:x>{ $x }(1, 2)", 1),
        ("function($f)<f<n:n>:n>{ $f(1) }(function($v) { $v * 2 })", 2),
    ] as [(String, JSONValue)])
    func evaluates(expression: String, expected: JSONValue) throws {
        try JSONataTests.expect(expression, gives: expected)
    }

    @Test(arguments: [
        ("$uppercase(1)", #"T0410: Argument 1 of function "uppercase" does not match function signature"#),
        ("$uppercase('a', 'b')", #"T0410: Argument 2 of function "uppercase" does not match function signature"#),
        ("$uppercase(null)", #"T0410: Argument 1 of function "uppercase" does not match function signature"#),
        ("$substring('abc', '1')", #"T0410: Argument 2 of function "substring" does not match function signature"#),
        ("$count()", #"T0410: Argument 1 of function "count" does not match function signature"#),
        ("$lookup({'a': 1})", #"T0410: Argument 2 of function "lookup" does not match function signature"#),
        ("$map([1, 2], 3)", #"T0410: Argument 2 of function "map" does not match function signature"#),
        ("$number([1])", #"T0410: Argument 1 of function "number" does not match function signature"#),
        ("$states.input.items.$uppercase()", #"T0411: Context value is not a compatible type with argument 1 of function "uppercase""#),
        ("$states.input.a.$substring(5, 1)", #"T0411: Context value is not a compatible type with argument 1 of function "substring""#),
        ("$sum('a')", #"T0412: Argument 1 of function "sum" must be an array of "numbers""#),
        ("$sum([1, 'a'])", #"T0412: Argument 1 of function "sum" must be an array of "numbers""#),
        ("$join(['a', 1])", #"T0412: Argument 1 of function "join" must be an array of "strings""#),
        ("$merge([{'a': 1}, 2])", #"T0412: Argument 1 of function "merge" must be an array of "objects""#),
        // A function written in the expression is named by the call it was made in, where it has a name.
        ("($f := function($x)<n:n>{ $x }; $f('a'))", #"T0410: Argument 1 of function "f" does not match function signature"#),
        ("$map(['a'], function($x)<n:n>{ $x })", #"T0410: Argument 1 of function "map" does not match function signature"#),
        ("function($x)<n:n>{ $x }(1, 2)", "T0410: Argument 2 of the function does not match function signature"),
        ("function($x)<b:x>{ $x }()", "T0410: Argument 1 of the function does not match function signature"),
        ("function($x)<o:x>{ $x }(null)", "T0410: Argument 1 of the function does not match function signature"),
        ("function($x)<a<s>:x>{ $x }(['a', 2])", #"T0412: Argument 1 of the function must be an array of "strings""#),
    ])
    func refusesArgumentsThatDoNotFit(expression: String, cause: String) throws {
        try JSONataTests.expectFailure(of: expression, cause: cause)
    }

    @Test(arguments: [
        "function($x)<q:n>{ $x }", "function($x)<n<n>:n>{ $x }", "function($x)<(a<n>):n>{ $x }", "function($x)<n:n { $x }",
        "function($x)<-:n>{ $x }", "function($x)<'s':n>{ $x }",
    ])
    func aMalformedSignatureIsRejectedWithTheDefinition(expression: String) {
        #expect(JSONataTests.syntaxError(in: expression)?.contains("signature") == true)
    }
}
