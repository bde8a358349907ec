import MediaflowStates
import Testing

/// The parts of JSONata past its paths and built-in functions: functions as values, variables bound in paths,
/// `%`, the transform operator, and how numbers and integers are written. The expected values are those the
/// reference JSONata implementation gives.
struct JSONataLanguageTests {
    static let library: JSONValue = [
        "books": [
            ["title": "SICP", "isbn": "1", "price": 38.9], ["title": "C", "isbn": "2", "price": 33.59], ["title": "AWK", "isbn": "3"],
        ],
        "loans": [["customer": "10001", "isbn": "1"], ["customer": "10003", "isbn": "3"]],
    ]

    @Test(arguments: [
        // Functions are values: bound, passed, returned, partly applied and chained.
        ("($twice := function($f) { function($x) { $f($f($x)) } }; $twice(function($x) { $x * 2 })(3))", 12),
        ("($add := function($a, $b) { $a + $b }; $inc := $add(?, 1); $map([1, 2], $inc))", [2, 3]),
        ("($fact := function($n) { $n <= 1 ? 1 : $n * $fact($n - 1) }; $fact(10))", 3_628_800),
        ("($first := $uppercase ~> $substring(?, 0, 2); $first('media'))", "ME"),
        ("$map(['a', 'b'], $uppercase)", ["A", "B"]),
        ("'media' ~> $uppercase ~> $substring(0, 3)", "MED"),
        ("(λ($x) { $x + 1 })(1)", 2),
        ("(function($x)<n:n> { $x * 10 })(2)", 20),
        ("$states.input.books.title.$length()", [4, 1, 3]),
        ("[$type($uppercase), $type(function() { 1 })]", ["function", "function"]),
        ("$replace('a1b22', /\\d+/, function($m) { '<' & $m.match & '>' })", "a<1>b<22>"),
        ("$replace('265USD', /([0-9]+)USD/, '$$$1')", "$265"),
        ("$states.input.books.title[$ ~> /^[AC]/]", ["C", "AWK"]),
        // `#` binds each item's position, `@` the item while the path goes on from its context: a join.
        ("$states.input.books#$i[$i < 2].title", ["SICP", "C"]),
        ("$states.input.loans@$l.books@$b[$l.isbn = $b.isbn].{'title': $b.title, 'customer': $l.customer}",
         [["title": "SICP", "customer": "10001"], ["title": "AWK", "customer": "10003"]]),
        ("$states.input.books@$b.loans@$l[$l.isbn = $b.isbn]#$i.{'i': $i, 't': $b.title}", [["i": 0, "t": "SICP"], ["i": 1, "t": "AWK"]]),
        // The transform operator copies and changes.
        ("($states.input ~> |books[price > 34]|{'dear': true}, 'price'|).books[0]", ["title": "SICP", "isbn": "1", "dear": true]),
        ("$count(($states.input ~> |books|{}, ['isbn']|).books.isbn)", 0),
        // Names and literals as JSONata reads them; built-in functions with the context, as values, and with
        // JavaScript's ASCII \w.
        ("{'in': 1, 'and': 2, 'function': 3, 'héllo': 4}.(in + and + function + héllo)", 10),
        ("[\"\\ud83d\\ude00\", /x/('axb').match, $base64decode('aGVsbG8'), $trim('\\t\\na\\u00a0b\\r\\n ')]",
         ["😀", "x", "hello", "a\u{00A0}b"]),
        ("[$replace('šžç1', /\\w/, 'X'), $formatInteger(-5, 'a'), $fromMillis(1521801216617, '[f1]')]", ["šžçX", "-e", "617"]),
        ("[$exists($uppercase), $boolean($uppercase), {'x': {'a': 42}}.x.$lookup('a'), $toMillis('2018-03-23')]",
         [true, false, 42, 1_521_763_200_000]),
        ("$reduce([[1], [2], [3]], $append)", [1, 2, 3]),
        ("[$substringBefore('Hola', ''), $substringAfter('Hola', ''), $substring('Hello World', 5.5, 5)]", ["", "Hola", " Worl"]),
        ("{'a': [{'b': 1}]}.a[].b", [1]),
        // An array constructor spreads the arrays its items give, but not an array constructor among them.
        ("{'a': [{'n': [1]}, {'n': [2]}]}.a.[n]", [[1], [2]]),
        ("($x := [1, 2]; [$x, [3]])", [1, 2, [3]]),
        ("{'a': {'b': 1}}.a^(b)", ["b": 1]),
        // `%` looks back along the path to the item the context item was found in.
        ("$states.input.books.{'t': title, 'lent': isbn in %.loans.isbn}",
         [["t": "SICP", "lent": true], ["t": "C", "lent": false], ["t": "AWK", "lent": true]]),
        ("$states.input.books[price = $max(%.books.price)].title", "SICP"),
        ("$states.input.loans#$i.{'i': $i, 'books': $count(%.books)}", [["i": 0, "books": 3], ["i": 1, "books": 3]]),
        // Paths: quoted names, index arrays, ordering the whole path, arrays made in a step.
        ("{'a b': 1}.'a b'", 1),
        ("$states.input.books[[0, 2]].title", ["SICP", "AWK"]),
        ("$states.input.books[[0..1]].isbn", ["1", "2"]),
        ("$states.input.books^(>price).title", ["SICP", "C", "AWK"]),
        ("($states.input.books.[title, isbn])[1]", ["C", "2"]),
        // $string writes numbers as JavaScript does, after 15 significant digits.
        ("[$string(1/3), $string(0.1 + 0.2), $string(1e-7), $string(0.000001), $string(1e21), 'n' & 1.50]",
         ["0.333333333333333", "0.3", "1e-7", "0.000001", "1e+21", "n1.5"]),
        ("$string({'b': [1, 2]}, true)", "{\n  \"b\": [\n    1,\n    2\n  ]\n}"),
        ("$pad('abc', 6, '-+')", "abc-+-"),
        // Integers in words, Roman numerals, letters and ordinals, and back.
        ("[$formatInteger(1999, 'w'), $formatInteger(21, 'Ww;o'), $formatInteger(2000000, 'W')]",
         ["one thousand, nine hundred and ninety-nine", "Twenty-First", "TWO MILLION"]),
        ("[$formatInteger(1999, 'I'), $formatInteger(28, 'a'), $formatInteger(1234, '#,##0;o'), $formatInteger(12, '1;o')]",
         ["MCMXCIX", "ab", "1,234th", "12th"]),
        ("[$parseInteger('nine hundred and ninety-nine', 'w'), $parseInteger('MMXXVI', 'I'), $parseInteger('1,234', '#,##0')]",
         [999, 2026, 1234]),
        // Dates with names, ordinals, weeks and an offset.
        ("$fromMillis(1508971317377, '[FNn], [D1o] [MNn] [Y]')", "Wednesday, 25th October 2017"),
        ("$fromMillis(1508971317377, '[FNn,3-3] [MN,3-3] [Y,2] week [W] [h]:[m] [P]')", "Wed OCT 17 week 43 10:41 pm"),
        ("$fromMillis(1508971317377, '[H01]:[m01] [Z]', '-0530')", "17:11 -05:30"),
        // And read back: what a picture leaves out is the least, or today's when larger than all it has.
        ("[$toMillis('25th October 2017', '[D1o] [MNn] [Y]'), $toMillis('20171025', '[Y0001][M01][D01]'), $toMillis('2017-298', '[Y]-[d]')]",
         [1_508_889_600_000, 1_508_889_600_000, 1_508_889_600_000]),
        ("$toMillis('2017-10-25 22:41:57 +01:00', '[Y]-[M]-[D] [H]:[m]:[s] [Z]')", 1_508_967_717_000),
        ("$toMillis('10:30 pm', '[h]:[m] [P]') = $toMillis($now('[Y0001]-[M01]-[D01]') & 'T22:30:00Z')", true),
        ("[$exists($toMillis('2017-13-01', '[Y]-[M]-[D]')), $exists($toMillis('x', '[Y]'))]", [false, false]),
    ] as [(String, JSONValue)])
    func evaluates(expression: String, expected: JSONValue) throws {
        try JSONataTests.expect(expression, gives: expected, input: Self.library)
    }

    @Test(arguments: [
        ("(1)(2)", "T1006: the expression called is not a function"),
        ("%.a", "S0217: % has no parent here"),
        ("'x' ~> 3", "T2006: the right side of ~> must be a function"),
        ("{} ~> |a + 1|{}|", "T2011: the location of a transform must be a path"),
        ("{'a': {}} ~> |a|5|", "T2011: the update of a transform must be an object"),
        ("$parseInteger('eleventy', 'w')", "D3137: 'eleventy' does not read as an integer"),
        ("$fromMillis(0, '[Y]', 'CET')", "D3134: 'CET' is not a time zone offset"),
    ])
    func failsWithAQueryEvaluationError(expression: String, cause: String) throws {
        try JSONataTests.expectFailure(of: expression, cause: cause)
    }
}
