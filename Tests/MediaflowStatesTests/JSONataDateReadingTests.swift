import MediaflowStates
import Testing

/// `$toMillis` with a picture, against the JSONata test suite's cases for it: digits, ordinals, Roman numerals,
/// letters, names and words read back, a 12-hour clock, a day of the year, parts left out, and the errors.
struct JSONataDateReadingTests {
    @Test(arguments: [
        ("$toMillis('2018', '[Y1]')", 1_514_764_800_000),
        ("$toMillis('2018-03-27', '[Y1]-[M01]-[D01]')", 1_522_108_800_000),
        ("$toMillis('2018-03-27T14:03:00.123Z', '[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01].[f001]Z')", 1_522_159_380_123),
        ("$toMillis('27th 3 1976', '[D1o] [M#1] [Y0001]')", 196_732_800_000),
        ("$toMillis('21st 12 1881', '[D1o] [M01] [Y0001]')", -2_777_932_800_000),
        ("$toMillis('2nd 12 2012', '[D1o] [M01] [Y0001]')", 1_354_406_400_000),
        ("$toMillis('MCMLXXXIV', '[YI]')", 441_763_200_000),
        ("$toMillis('27 03 MMXVIII', '[D1] [M01] [YI]')", 1_522_108_800_000),
        ("$toMillis('27 iii MMXVIII', '[D1] [Mi] [YI]')", 1_522_108_800_000),
        ("$toMillis('w C mmxviii', '[Da] [MA] [Yi]')", 1_521_763_200_000),
        ("$toMillis('ae C mmxviii', '[Da] [MA] [Yi]')", 1_522_454_400_000),
        ("$toMillis('27th April 2008', '[D1o] [MNn] [Y0001]')", 1_209_254_400_000),
        ("$toMillis('21 August 2017', '[D1] [MNn] [Y0001]')", 1_503_273_600_000),
        ("$toMillis('2 Feb 2012', '[D1] [MNn,3-3] [Y0001]')", 1_328_140_800_000),
        ("$toMillis('one thousand, nine hundred and eighty-four', '[Yw]')", 441_763_200_000),
        ("$toMillis('nineteen hundred and eighty-four', '[Yw]')", 441_763_200_000),
        ("$toMillis('twenty-seven April 2008', '[Dw] [MNn] [Y0001]')", 1_209_254_400_000),
        ("$toMillis('twenty-seventh April 2008', '[Dw] [MNn] [Y0001]')", 1_209_254_400_000),
        ("$toMillis('twenty-first August two thousand and seventeen', '[Dw] [MNn] [Yw]')", 1_503_273_600_000),
        ("$toMillis('TWENTY-SECOND August two thousand and seventeen', '[DW] [MNn] [Yw]')", 1_503_360_000_000),
        ("$toMillis('Twentieth of August, two thousand and seventeen', '[DW] of [MNn], [Yw]')", 1_503_187_200_000),
        ("$toMillis('4/4/2018 12:06 am', '[D1]/[M1]/[Y0001] [h]:[m] [P]')", 1_522_800_360_000),
        ("$toMillis('4/4/2018 06:30 am', '[D1]/[M1]/[Y0001] [h]:[m] [P]')", 1_522_823_400_000),
        ("$toMillis('4/4/2018 12:06 pm', '[D1]/[M1]/[Y0001] [h]:[m] [P]')", 1_522_843_560_000),
        ("$toMillis('4/4/2018 11:30 pm', '[D1]/[M1]/[Y0001] [h]:[m] [P]')", 1_522_884_600_000),
        ("$toMillis('2018-094', '[Y0001]-[d001]')", 1_522_800_000_000),
        ("$toMillis('13:45', '[H]:[m]') ~> $fromMillis() ~> $substringBefore('T') = $substringBefore($now(), 'T')", true),
        ("$toMillis('13:45', '[H]:[m]') ~> $fromMillis() ~> $substringAfter('T')", "13:45:00.000Z"),
        ("$toMillis('Wednesday, 14th November 2018', '[FNn], [D1o] [MNn] [Y]') ~> $fromMillis()", "2018-11-14T00:00:00.000Z"),
        ("$toMillis('Mon, Twelfth November 2018', '[FNn,*-3], [DWwo] [MNn] [Y]') ~> $fromMillis()", "2018-11-12T00:00:00.000Z"),
        ("$toMillis('2018--180', '[Y]--[d]') ~> $fromMillis()", "2018-06-29T00:00:00.000Z"),
        ("$toMillis('three hundred and sixty-fifth day of 2018', '[dwo] day of [Y]') ~> $fromMillis()", "2018-12-31T00:00:00.000Z"),
        ("[$exists($toMillis('Hello', 'Hello')), $exists($toMillis('irrelevent string', '[Y]-[M]-[D]'))]", [false, false]),
    ] as [(String, JSONValue)])
    func reads(expression: String, expected: JSONValue) throws {
        try JSONataTests.expect(expression, gives: expected)
    }

    @Test(arguments: [
        ("$toMillis('2018-05-22', '[Y]-[M]-[q]')", "D3132"),
        ("$toMillis('2018-05-22', '[YN]-[M]-[D]')", "D3133"),
        ("$toMillis('2018-22', '[Y]-[D]')", "D3136"),
        ("$toMillis('5-22 23:59', '[M]-[D] [m]:[s]')", "D3136"),
        ("$toMillis('2018-3-2-5', '[Y]-[x]-[w]-[F1]')", "D3136"),
        ("$toMillis('2018-32-5', '[X]-[W]-[F1]')", "D3136"),
    ])
    func refusesAPictureItCannotRead(expression: String, code: String) throws {
        try JSONataTests.expectFailure(of: expression, cause: code)
    }
}
