import MediaflowStates
import Testing

/// Date pictures against the JSONata test suite's cases for `$fromMillis`: components as digits, names, words,
/// Roman numerals and letters, widths, offsets in each form, ISO weeks, weeks of the month, and the errors.
struct JSONataDatePictureTests {
    @Test(arguments: [
        ("$fromMillis(1521801216617, 'Hello')", "Hello"),
        ("$fromMillis(1521801216617, 'Year: [Y0001]')", "Year: 2018"),
        ("$fromMillis(1521801216617, 'Year: <[Y9,999,*]>')", "Year: <2,018>"),
        ("$fromMillis(1521801216617, '[[Year]]: [[[Y0001]]]')", "[Year]: [2018]"),
        ("$fromMillis(1521801216617, '[D#1]/[M#1]/[Y0001]')", "23/3/2018"),
        ("$fromMillis(1522616700000, '[F0] [FNn]')", "7 Sunday"),
        ("$fromMillis(1522703100000, '[F0] [FNn]')", "1 Monday"),
        ("$fromMillis(1521801216617, '[M01]/[D01]/[Y0001] at [H01]:[m01]:[s01]')", "03/23/2018 at 10:33:36"),
        ("$fromMillis(1521801216617, '[Y]-[M01]-[D01]T[H01]:[m]:[s].[f001][Z01:01t]')", "2018-03-23T10:33:36.617Z"),
        ("$fromMillis(1521801216617, '[Y]-[ M01]-[D 01]T[H01 ]:[ m   ]:[s].[f0  01][Z01:\\n 01t]')", "2018-03-23T10:33:36.617Z"),
        ("$fromMillis(1521801216617, '[Y]-[M01]-[D01]T[H01]:[m]:[s].[f001][Z0101t]', '+0100')", "2018-03-23T11:33:36.617+0100"),
        ("$fromMillis(1531310400000, '[Y]-[M01]-[D01]T[H01]:[m]:[s][Z01:01]')", "2018-07-11T12:00:00+00:00"),
        ("$fromMillis(1531310400000, '[Y]-[M01]-[D01]T[H01]:[m]:[s][Z01:01t]')", "2018-07-11T12:00:00Z"),
        ("$fromMillis(1531310400000, '[Y]-[M01]-[D01]T[H01]:[m]:[s][Z]', '-0500')", "2018-07-11T07:00:00-05:00"),
        ("$fromMillis(1531310400000, '[Y]-[M01]-[D01]T[H01]:[m]:[s][Z0]', '-0500')", "2018-07-11T07:00:00-5"),
        ("$fromMillis(1531310400000, '[Y]-[M01]-[D01]T[H01]:[m]:[s][Z0]', '+1000')", "2018-07-11T22:00:00+10"),
        ("$fromMillis(1531310400000, '[Y]-[M01]-[D01]T[H01]:[m]:[s][Z0]', '+0530')", "2018-07-11T17:30:00+5:30"),
        ("$fromMillis(1531310400000, '[Y]-[M01]-[D01]T[H01]:[m]:[s][z]', '-0500')", "2018-07-11T07:00:00GMT-05:00"),
        ("$fromMillis(1204405500000, '[Y]-[M01]-[D01]T[H01]:[m]:[s].[f001][Z0101t]', '+0530')", "2008-03-02T02:35:00.000+0530"),
        ("$fromMillis(1230757500000, '[Y]-[M01]-[D01]T[H01]:[m]:[s].[f001][Z0101t]', '+0530')", "2009-01-01T02:35:00.000+0530"),
        ("$fromMillis(1521801216617, '[D#1,2]/[M1,2]/[Y,2]')", "23/03/18"),
        ("$fromMillis(1521801216617, '[D#1,2]/[M1,2]/[Y0001,2]')", "23/03/2018"),
        ("$fromMillis(1521801216617, '[D#1,2]/[M1,2]/[Y##01,2-2]')", "23/03/18"),
        ("$fromMillis(1521801216617, '[D#1,2]/[M1,2]/[Y0001,2-2]')", "23/03/18"),
        ("$fromMillis(1521801216617, '[D1] [M01] [YI]')", "23 03 MMXVIII"),
        ("$fromMillis(1521801216617, '[Da] [MA] [Yi]')", "w C mmxviii"),
        ("$fromMillis(1521801216617, '[D1o] [M01] [Y]')", "23rd 03 2018"),
        ("$fromMillis(1521801216617, '[Yw]')", "two thousand and eighteen"),
        ("$fromMillis(1521801216617, '[Dwo] [M01] [Y]')", "twenty-third 03 2018"),
        ("$fromMillis(1521801216617, '[D1o] [MN] [Y]')", "23rd MARCH 2018"),
        ("$fromMillis(1521801216617, '[FNn], the [Dwo] of [MNn] [Y] [E]')", "Friday, the twenty-third of March 2018 ISO"),
        ("$fromMillis(1521801216617, '[FNn,3-3], [D1o] [MNn,3-3] [Y] [C]')", "Fri, 23rd Mar 2018 ISO"),
        ("$fromMillis(1521801216617, '[F], [D]/[M]/[Y] [h]:[m]:[s] [P]')", "friday, 23/3/2018 10:33:36 am"),
        ("$fromMillis(1204405500000, '[F], [D]/[M]/[Y] [h]:[m]:[s] [P]')", "saturday, 1/3/2008 9:05:00 pm"),
        ("$fromMillis(1199664000000, '[F], [D]/[M]/[Y] [h]:[m]:[s] [P]')", "monday, 7/1/2008 12:00:00 am"),
        ("$fromMillis(1514808000000, '[dwo] day of the year')", "first day of the year"),
        ("$fromMillis(1546257600000, '[d] days in [Y0001]')", "365 days in 2018"),
        ("$fromMillis(1483185600000, '[d] days in [Y0001]')", "366 days in 2016"),
        ("$fromMillis(1514808000000, 'Week: [W]')", "Week: 1"),
        ("$fromMillis(1515326400000, 'Week: [W]')", "Week: 1"),
        ("$fromMillis(1545739200000, 'Week: [W]')", "Week: 52"),
        ("$fromMillis(1419854400000, 'Week: [W]')", "Week: 1"),
        ("$fromMillis(1419768000000, 'Week: [W]')", "Week: 52"),
        ("$fromMillis(1451304000000, 'Week: [W]')", "Week: 53"),
        ("$fromMillis(1451736000000, 'Week: [W]')", "Week: 53"),
        ("$fromMillis(1359460800000, 'Week: [w] of [xNn]')", "Week: 5 of January"),
        ("$fromMillis(1359720000000, 'Week: [w] of [xNn]')", "Week: 5 of January"),
        ("$fromMillis(1514808000000, 'Week: [w] of [xNn]')", "Week: 1 of January"),
        ("$fromMillis(1483272000000, 'Week: [w] of [xNn]')", "Week: 5 of December"),
        ("$fromMillis(1533038400000, 'Week: [w] of [xNn]')", "Week: 1 of August"),
        ("$fromMillis(1419940800000, 'Week: [w] of [xNn]')", "Week: 1 of January"),
    ])
    func formats(expression: String, expected: String) throws {
        try JSONataTests.expect(expression, gives: .string(expected))
    }

    @Test func withNoPictureAnOffsetStillGivesISO8601() throws {
        let state = try JSONataTests.run("$toMillis('2018-10-21T13:05:00Z').[$fromMillis(), $fromMillis($, (), '-0500'), $fromMillis($, (), '0000')]")
        #expect(state.output == ["2018-10-21T13:05:00.000Z", "2018-10-21T08:05:00.000-05:00", "2018-10-21T13:05:00.000Z"])
    }

    @Test(arguments: [
        ("$fromMillis(1230757500000, '[Y]-[M01]-[D01]T[H01]:[m]:[s].[f001][Z010101t]', '+0530')", "D3134"),
        ("$fromMillis(1419940800000, '[YN]-[M]-[D]')", "D3133"),
        ("$fromMillis(1419940800000, '[YN]-[M')", "D3135"),
    ])
    func refusesAMalformedPicture(expression: String, code: String) throws {
        try JSONataTests.expectFailure(of: expression, cause: code)
    }
}
