import MediaflowStates
import Testing

/// JSONata expressions as a JSONata state's `Output` evaluates them, through the public interpreter.
struct JSONataTests {
    static let input: JSONValue = [
        "a": 1, "clip": "clip_01.mp4",
        "items": [["name": "a", "price": 1], ["name": "b", "price": 2], ["name": "c", "price": 4]],
    ]

    /// Runs a one-state machine whose output is `expression`.
    static func run(_ expression: String, input: JSONValue = input) throws -> ExecutionState {
        let machine = try StateMachine(definition: [
            "QueryLanguage": "JSONata", "StartAt": "P",
            "States": ["P": ["Type": "Pass", "Output": .string("{% \(expression) %}"), "End": true]],
        ])
        return ConformanceRunner.runToCompletion(machine, input: input)
    }

    @Test(arguments: [
        ("$states.input.a + 2 * 3", 7),
        ("($states.input.a + 2) * 3 - 10 % 4", 7),
        ("$states.input.items.price", [1, 2, 4]),
        ("$sum($states.input.items.price) / $count($states.input.items)", .number(7.0 / 3)),
        ("$states.input.items[price > 1].name", ["b", "c"]),
        ("$states.input.items[price = 2].name", "b"),
        ("$states.input.items[0].name & $states.input.items[-1].name", "ac"),
        ("\"n=\" & $states.input.a & true", "n=1true"),
        ("$states.input.a = 1 ? 'one' : 'other'", "one"),
        ("$states.input.a > 1 and $states.input.a < 9 or $not(false)", true),
        ("($x := 2; $y := $x + 1; $x * $y)", 6),
        ("{'count': $count($states.input.items), 'cheap': $states.input.items[price < 3].name}", ["count": 3, "cheap": ["a", "b"]]),
        ("[1..3, 7]", [1, 2, 3, 7]),
        // Grouping: an object constructor after a path groups its items by key, the value taken over each group.
        ("$states.input.items{(price > 1 ? 'dear' : 'cheap'): name}", ["cheap": "a", "dear": ["b", "c"]]),
        ("$states.input.items{(price > 1 ? 'dear' : 'cheap'): $sum(price)}", ["cheap": 1, "dear": 6]),
        ("$states.input.items{name: price * 10}", ["a": 10, "b": 20, "c": 40]),
        ("$states.input.items.{name: price}", [["a": 1], ["b": 2], ["c": 4]]),
        ("$states.input.nothing{'k': 1}", ["k": 1]),
        // `**`: everything at any depth.
        ("$states.input.**.price", [1, 2, 4]),
        ("$count({'x': {'y': [{'z': 1}, 2]}}.**)", 5),
        ("$uppercase($substring('media', 1, 3)) & $lowercase('X')", "EDIx"),
        ("$split('a,b,c', ',')[1]", "b"),
        ("$join($states.input.items.name, '-')", "a-b-c"),
        ("$contains($states.input.clip, /^CLIP_\\d+\\.mp4$/i)", true),
        ("$number('1.5') + $round(2.5)", 3.5),
        ("[$round(3.14159, 2), $round(2.675, 2), $round(-0.5)]", [3.14, 2.68, 0]),
        ("$exists($states.input.nothing)", false),
        ("$keys($states.input)", ["a", "clip", "items"]),
        ("$states.input.items ~> $count()", 3),
        ("$states.input.items^(>price).name", ["c", "b", "a"]),
        ("$states.input.items[price = 2][]", [["name": "b", "price": 2]]),
        (Array(repeating: "1", count: 500).joined(separator: "+"), 500),
        ("$partition([1, 2, 3], 2)", [[1, 2], [3]]),
        ("$states.context.Execution.Name", "case"),
        ("$string({'k': [1, null]})", #"{"k":[1,null]}"#),
        ("$max($states.input.items.price) - $min([3, 2])", 2),
        ("'b' in $states.input.items.name", true),
        ("$merge([{'a': 1}, {'b': 2}])", ["a": 1, "b": 2]),
        ("$type($states.input.items)", "array"),
        // $distinct gives back what is not an array of two or more; $spread gives an array for an array.
        ("{'a': $distinct(1), 'b': $distinct([1]), 'c': $distinct([1, 1, 2])}", ["a": 1, "b": [1], "c": [1, 2]]),
        ("{'a': $spread({'a': 1}), 'b': $spread([{'a': 1}]), 'c': $spread([{'a': 1, 'b': 2}, 3])}", ["a": ["a": 1], "b": [["a": 1]], "c": [["a": 1], ["b": 2], 3]]),
        // A function given where a value may be: a string of nothing, a false Boolean, a type.
        ("[$string($uppercase), $boolean($uppercase), $not(/a/), $exists(/a/), $type(/a/)]", ["", false, true, true, "function"]),
        // A missing argument as JavaScript reads it: no marker is not found, one item needs no sorting.
        ("$states.input.clip.[$substringBefore($states.input.nothing), $substringAfter($states.input.nothing)]", ["clip_01.mp4", "clip_01.mp4"]),
        ("{'a': $sort({'k': 1}), 'b': $sort(true), 'c': $exists($sift($states.input.nothing))}", ["a": [["k": 1]], "b": [true], "c": false]),
        ("$map($states.input.items, function($v, $i) { $v.name & $i })", ["a0", "b1", "c2"]),
        ("$filter($states.input.items, function($v) { $v.price > 1 }).name", ["b", "c"]),
        ("$reduce($states.input.items.price, function($sum, $p) { $sum + $p })", 7),
        ("$reduce([1, 2, 3], function($product, $n) { $product * $n }, 10)", 60),
        ("$sort($states.input.items, function($l, $r) { $l.price < $r.price }).name", ["c", "b", "a"]),
        ("$sort(['b', 'c', 'a'])", ["a", "b", "c"]),
        ("($double := function($n) { $n * 2 }; [$double(4), $map([1, 2], $double)])", [8, 2, 4]),
        ("$single($states.input.items, function($v) { $v.price = 4 }).name", "c"),
        ("[$exists($filter([1, 2], function($v) { $v > 5 })), $exists($map([], function($v) { $v }))]", [false, false]),
        ("[$exists($sift({'a': 0}, function($v) { $v })), $exists($reduce([], function($a, $b) { $a }))]", [false, false]),
        ("$each({'b': 2, 'a': 1}, function($v, $k) { $k & '=' & $v })", ["b=2", "a=1"]),
        ("$sift({'keep': 1, 'drop': 0}, function($v) { $v > 0 })", ["keep": 1]),
        ("[$pad('7', -3, '0'), $pad('ab', 4) & '|']", ["007", "ab  |"]),
        ("$replace('clip_01_v1', '_', '-', 1) & ' ' & $replace('a1b22', /\\d+/, '#')", "clip-01_v1 a#b#"),
        ("$split('a1b22c', /\\d+/)", ["a", "b", "c"]),
        ("$match('v1 v22', /v(\\d+)/).groups", ["1", "22"]),
        ("$base64decode($base64encode('média'))", "média"),
        ("$encodeUrlComponent('a b/c?') & ' ' & $decodeUrl('a%20b')", "a%20b%2Fc%3F a b"),
        ("$zip([1, 2, 3], ['a', 'b'])", [[1, "a"], [2, "b"]]),
        ("$spread({'b': 2, 'a': 1})", [["b": 2], ["a": 1]]),
        // Members keep the order they were written in, as JavaScript keeps them.
        ("$keys({'b': 1, 'a': 2, 'c': 3})", ["b", "a", "c"]),
        ("$string($merge([{'b': 1, 'z': 0}, {'a': 2, 'b': 3}]))", #"{"b":3,"z":0,"a":2}"#),
        ("$string({'b': 1, 'a': 2}.*)", "[1,2]"),
        ("$string($states.input.items{name: price}) & $string($sift({'y': 1, 'x': 2}, function($v) { $v > 0 }))", #"{"a":1,"b":2,"c":4}{"y":1,"x":2}"#),
        ("$formatBase(255, 16)", "ff"),
        ("$count($shuffle([1, 2, 3]))", 3),
        ("[$substring('abc', 1e300), $pad('x', 1e300) = 'x', $count($split('a,b', ',', 1e300)), $states.input.items[1e300] = null]",
         ["", false, 2, false]),
        ("$fromMillis(1e300) ~> $substring(0, 7)", "287396-"),
        ("[$formatNumber(1234.5, '#,##0.00'), $formatNumber(0.256, '0.0%'), $formatNumber(-3, '000'), $formatNumber(2, '#.##')]",
         ["1,234.50", "25.6%", "-003", "2.0"]),
        ("[$formatInteger(1234567, '#,##0'), $formatInteger(7, '000')]", ["1,234,567", "007"]),
        ("[$now('[Y0001][M01][D01]-[H01][m01]'), $fromMillis(1500, '[H]:[m01]:[s01].[f001] [[UTC]]')]",
         ["20231114-2213", "0:00:01.500 [UTC]"]),
        ("[$now(), $millis(), $fromMillis(0), $toMillis('2023-11-14T22:13:20Z')]",
         ["2023-11-14T22:13:20.000Z", 1_700_000_000_000, "1970-01-01T00:00:00.000Z", 1_700_000_000_000]),
    ] as [(String, JSONValue)])
    func evaluates(expression: String, expected: JSONValue) throws {
        try Self.expect(expression, gives: expected)
    }

    /// Expects the one-state machine whose output is `expression` to succeed with `expected`.
    static func expect(_ expression: String, gives expected: JSONValue, input: JSONValue = input) throws {
        let state = try run(expression, input: input)
        #expect(state.status == .succeeded, "\(state.error?.cause ?? "")")
        #expect(state.output == expected)
    }

    /// One at a time: two of these take seconds each, and side by side they would hold both of a two-core
    /// machine's threads for Swift's tasks, which the suite's other tests wait on.
    @Test(.serialized, arguments: [
        ("$states.input.nothing", "returned nothing (undefined)"),
        ("1 + 'x'", "T2002: the right side of the + operator must evaluate to a number"),
        ("$nosuch(1)", "T1006: $nosuch is not a function"),
        ("$uppercase(1)", #"T0410: Argument 1 of function "uppercase" does not match function signature"#),
        ("[0..1000000]", "D2014: a range has at most 1,000,000 items"),
        ("function($x) { $x }", "T1005: the expression gives a function, not a value"),
        ("($f := function($n) { $f($n + 1) }; $f(0))", "U1001: functions call each other over 100 deep"),
        ("$count($map([1..2000], function($a) { $map([1..2000], function($b) { $b }) }))", "U1001: the expression takes over 1000000 steps"),
        // Each range is one step: [1..1000000].[1..1000000] held the node before the items were counted.
        ("[1..1000].[1..1000000]", "U1001: the expression's ranges make over 2000000 items"),
        // A function chained into itself 25 times over is 2^25 calls, each a step.
        ("($f := $string; " + String(repeating: "$f := $f ~> $f; ", count: 25) + "$f(1))", "U1001: the expression takes over 1000000 steps"),
        ("$single([1, 2], function($v) { $v > 0 })", "D3138: $single found more than one match"),
        ("$states.input.items{name: 1, 'a': 2}", "D1009: several keys of an object evaluate to 'a'"),
        ("$states.input.items{price: name}", "T1003: the key of an object must evaluate to a string"),
        ("$error('stop here')", "D3137: stop here"),
        ("$assert(1 = 2, 'one is not two')", "D3141: one is not two"),
        ("$power(2, $states.input.nothing)", "D3061: $power(2, undefined) is not a finite number"),
    ])
    func failsWithAQueryEvaluationError(expression: String, cause: String) throws {
        try Self.expectFailure(of: expression, cause: cause)
    }

    /// Expects the one-state machine whose output is `expression` to fail with `cause` in its error.
    static func expectFailure(of expression: String, cause: String) throws {
        let state = try run(expression)
        #expect(state.status == .failed)
        #expect(state.error?.name == "States.QueryEvaluationError")
        #expect(state.error?.cause.contains("The JSONata expression '\(expression)' specified for the field 'Output'") == true)
        #expect(state.error?.cause.contains(cause) == true, "\(state.error?.cause ?? "")")
    }

    @Test(arguments: ["", "1 +", "(1", "'open", "$f(", "{'a' 1}", "function($x) $x", "1 # 2", "a.2", "true.a", "01", "a^()", String(repeating: "(", count: 100_000), Array(repeating: "1", count: 501).joined(separator: "+")])
    func aMalformedExpressionIsRejectedWithTheDefinition(expression: String) {
        #expect(Self.syntaxError(in: expression)?.hasPrefix("JSONata syntax error at character") == true)
    }

    /// What validating the one-state machine whose output is `expression` says of its output, when it says
    /// nothing else.
    static func syntaxError(in expression: String) -> String? {
        let issues = StateMachine.validate([
            "QueryLanguage": "JSONata", "StartAt": "P",
            "States": ["P": ["Type": "Pass", "Output": .string("{% \(expression) %}"), "End": true]],
        ])
        guard issues.count == 1, issues[0].location == "$.States.P.Output" else { return nil }
        return issues[0].message
    }
}
