import MediaflowStates
import Testing

/// `$formatNumber` against the JSONata test suite's cases for it: XPath's number pictures with grouping,
/// exponents, percent and per-mille, other characters, two sub-pictures, and each malformed picture's code.
struct JSONataNumberPictureTests {
    @Test(arguments: [
        ("$formatNumber(12345.6, '#,###.00')", "12,345.60"),
        ("$formatNumber(12345678.9, '9,999.99')", "12,345,678.90"),
        ("$formatNumber(123412345678.9, '9,9,99.99')", "123412345,6,78.90"),
        ("$formatNumber(1234.56789, '9,999.999,999')", "1,234.567,890"),
        ("$formatNumber(123.9, '9999')", "0124"),
        ("$formatNumber(0.14, '01%')", "14%"),
        ("$formatNumber(0.4857, '###.###‰')", "485.7‰"),
        ("$formatNumber(0.14, '###pm', {'per-mille': 'pm'})", "140pm"),
        ("$formatNumber(-6, '000')", "-006"),
        ("$formatNumber(1234.5678, '00.000e0')", "12.346e2"),
        ("$formatNumber(1234.5678, '00.000e000')", "12.346e002"),
        ("$formatNumber(1234.5678, '①①.①①①e①', {'zero-digit': '⑟'})", "①②.③④⑥e②"),
        ("$formatNumber(0.234, '0.0e0')", "2.3e-1"),
        ("$formatNumber(0.234, '#.00e0')", "0.23e0"),
        ("$formatNumber(0.123, '#.e9')", "0.1e0"),
        ("$formatNumber(0.234, '.00e0')", ".23e0"),
        ("$formatNumber(2392.14 * (-36.58), '000,000.000###;###,###.000###')", "87,504.4812"),
        ("$formatNumber(2.14 * 86.58, 'PREFIX##00.000###SUFFIX')", "PREFIX185.2812SUFFIX"),
        ("$formatNumber(1E20, '#,######')", "100,000000,000000,000000"),
        ("$formatNumber(1234.5, '#.##0,00', {'decimal-separator': ',', 'grouping-separator': '.'})", "1.234,50"),
        ("$formatNumber(-3.5, '0.0', {'minus-sign': '−'})", "−3.5"),
        ("$formatNumber(1234.5, '#,##0.00', {'currency': '€'})", "1,234.50"),
    ] as [(String, JSONValue)])
    func formats(expression: String, expected: JSONValue) throws {
        try JSONataTests.expect(expression, gives: expected)
    }

    @Test(arguments: [
        ("#;#;#", "D3080"),
        ("#.0.0", "D3081"),
        ("#0%%", "D3082"),
        ("#0‰‰", "D3083"),
        ("#0%‰", "D3084"),
        (".e0", "D3085"),
        ("0+.e0", "D3086"),
        ("0,.e0", "D3087"),
        ("0,", "D3088"),
        ("0,,0", "D3089"),
        ("0#.e0", "D3090"),
        ("#0.#0e0", "D3091"),
        ("#0.0e0%", "D3092"),
        ("#0.0e0,0", "D3093"),
    ])
    func refusesAMalformedPicture(picture: String, code: String) throws {
        try JSONataTests.expectFailure(of: "$formatNumber(20, '\(picture)')", cause: code)
    }
}
