import Foundation

/// Number pictures, as `$formatNumber` and `$formatInteger` take them: XPath's `format-number`, as JSONata has
/// it. `#,##0.00` is `1,234.50`; `0%` is `25%`; `0.00e0` is `1.23e3`; `#,##,###` groups as `12,34,567`; a `;`
/// separates a picture for negative numbers, which otherwise take a minus sign. The characters can be changed
/// (`{'decimal-separator': ',', 'grouping-separator': '.'}`). Date pictures are `JSONataDatePicture`'s.
enum JSONataPictures {
    /// The characters a picture is written with, and what the formatted number is written with.
    struct Symbols {
        var decimal: Character = "."
        var grouping: Character = ","
        var exponent: Character = "e"
        var minus = "-"
        var percent = "%"
        var perMille = "‰"
        private(set) var zero: Character = "0"
        var digit: Character = "#"
        var patternSeparator: Character = ";"
        /// The ten digits, from the zero digit on.
        private(set) var digits = Array("0123456789")

        /// The characters that make a picture's number rather than its prefix or suffix.
        var active: Set<Character> { Set(digits).union([decimal, exponent, grouping, digit, patternSeparator]) }
    }

    /// One of a picture's (at most) two sub-pictures, taken apart.
    private struct SubPicture {
        var prefix = ""
        var suffix = ""
        var integerPart = ""
        var fractionalPart = ""
        var hasExponent = false
        var hasDecimal = false
        var percent = false
        var perMille = false
        var minimumIntegerSize = 0
        var minimumFractionSize = 0
        var maximumFractionSize = 0
        var minimumExponentSize = 0
        var scalingFactor = 0
        var regularGrouping = 0
        var integerGroupings: [Int] = []
        var fractionGroupings: [Int] = []
    }

    static func format(number: Double, picture: String, symbols: Symbols = Symbols()) throws(JSONataError) -> String {
        let pictures = picture.split(separator: symbols.patternSeparator, omittingEmptySubsequences: false).map(String.init)
        guard pictures.count <= 2 else { throw JSONataError("D3080: the picture '\(picture)' has more than two sub-pictures") }
        var chosen = try analyse(pictures[0], symbols)
        if number < 0 {
            if pictures.count > 1 { chosen = try analyse(pictures[1], symbols) } else { chosen.prefix = symbols.minus + chosen.prefix }
        }
        return write(abs(number), chosen, symbols)
    }

    private static func analyse(_ picture: String, _ symbols: Symbols) throws(JSONataError) -> SubPicture {
        let digits = Set(symbols.digits)
        let active = symbols.active
        let characters = Array(picture)
        let isActive = { (char: Character) in active.contains(char) && char != symbols.exponent }
        let first = characters.firstIndex(where: isActive) ?? characters.count
        let last = characters.lastIndex(where: isActive) ?? characters.count - 1
        var sub = SubPicture()
        sub.prefix = String(characters[..<first])
        sub.suffix = String(characters[(last + 1)...])
        let activePart = first <= last ? Array(characters[first...last]) : []
        var mantissa = activePart
        var exponentPart: [Character]?
        if let exponentAt = activePart.firstIndex(of: symbols.exponent) {
            mantissa = Array(activePart[..<exponentAt])
            exponentPart = Array(activePart[(exponentAt + 1)...])
        }
        let decimalAt = mantissa.firstIndex(of: symbols.decimal)
        sub.integerPart = String(decimalAt.map { mantissa[..<$0] } ?? mantissa[...])
        sub.fractionalPart = decimalAt.map { String(mantissa[($0 + 1)...]) } ?? ""
        if let code = problem(characters, activePart, mantissa, exponentPart, sub, symbols) {
            throw JSONataError("\(code): the number picture '\(picture)' is malformed")
        }
        sub.hasExponent = exponentPart != nil
        sub.minimumExponentSize = exponentPart?.filter(digits.contains).count ?? 0
        sub.hasDecimal = picture.contains(symbols.decimal)
        sub.percent = picture.contains(symbols.percent)
        sub.perMille = picture.contains(symbols.perMille)

        let isDigit = { (char: Character) in digits.contains(char) || char == symbols.digit }
        let integer = Array(sub.integerPart)
        let fraction = Array(sub.fractionalPart)
        sub.integerGroupings = integer.indices.filter { integer[$0] == symbols.grouping }.map { integer[$0...].filter(isDigit).count }
        sub.regularGrouping = regular(sub.integerGroupings)
        sub.fractionGroupings = fraction.indices.filter { fraction[$0] == symbols.grouping }.map { fraction[..<$0].filter(isDigit).count }
        sub.minimumIntegerSize = integer.filter(digits.contains).count
        sub.scalingFactor = sub.minimumIntegerSize
        sub.minimumFractionSize = fraction.filter(digits.contains).count
        sub.maximumFractionSize = fraction.filter(isDigit).count
        if sub.minimumIntegerSize == 0 && sub.maximumFractionSize == 0 {
            if sub.hasExponent { (sub.minimumFractionSize, sub.maximumFractionSize) = (1, 1) } else { sub.minimumIntegerSize = 1 }
        }
        if sub.hasExponent && sub.minimumIntegerSize == 0 && integer.contains(symbols.digit) { sub.minimumIntegerSize = 1 }
        if sub.minimumIntegerSize == 0 && sub.minimumFractionSize == 0 { sub.minimumFractionSize = 1 }
        return sub
    }

    /// What is wrong with a sub-picture, as JSONata's error code (the last it finds, as JSONata reports it).
    private static func problem(
        _ picture: [Character], _ activePart: [Character], _ mantissa: [Character], _ exponentPart: [Character]?,
        _ sub: SubPicture, _ symbols: Symbols
    ) -> String? {
        let digits = Set(symbols.digits)
        let text = String(picture)
        let active = symbols.active
        let decimals = picture.indices.filter { picture[$0] == symbols.decimal }
        let integer = Array(sub.integerPart)
        let fraction = Array(sub.fractionalPart)
        var code: String?
        if decimals.count > 1 { code = "D3081" }
        if text.components(separatedBy: symbols.percent).count > 2 { code = "D3082" }
        if text.components(separatedBy: symbols.perMille).count > 2 { code = "D3083" }
        if text.contains(symbols.percent) && text.contains(symbols.perMille) { code = "D3084" }
        if !mantissa.contains(where: { digits.contains($0) || $0 == symbols.digit }) { code = "D3085" }
        if activePart.contains(where: { !active.contains($0) }) { code = "D3086" }
        if let decimal = decimals.first {
            if decimal > 0 && picture[decimal - 1] == symbols.grouping || decimal + 1 < picture.count && picture[decimal + 1] == symbols.grouping {
                code = "D3087"
            }
        } else if integer.last == symbols.grouping {
            code = "D3088"
        }
        if text.contains(String([symbols.grouping, symbols.grouping])) { code = "D3089" }
        if let optional = integer.firstIndex(of: symbols.digit), integer[..<optional].contains(where: digits.contains) { code = "D3090" }
        if let optional = fraction.lastIndex(of: symbols.digit), fraction[optional...].contains(where: digits.contains) { code = "D3091" }
        if let exponentPart, !exponentPart.isEmpty, text.contains(symbols.percent) || text.contains(symbols.perMille) { code = "D3092" }
        if let exponentPart, exponentPart.isEmpty || exponentPart.contains(where: { !digits.contains($0) }) { code = "D3093" }
        return code
    }

    /// The interval of groupings that repeat evenly from the decimal point (`#,###,###`: 3), or 0.
    private static func regular(_ positions: [Int]) -> Int {
        guard let first = positions.first else { return 0 }
        func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
        let factor = positions.dropFirst().reduce(first, gcd)
        guard factor > 0 else { return 0 }
        return (1...positions.count).allSatisfy { positions.contains($0 * factor) } ? factor : 0
    }

    private static func write(_ magnitude: Double, _ sub: SubPicture, _ symbols: Symbols) -> String {
        var value = magnitude * (sub.percent ? 100 : sub.perMille ? 1000 : 1)
        var exponent: Int?
        if sub.minimumExponentSize > 0, value != 0, value.isFinite {
            var power = 0
            let (smallest, largest) = (pow(10, Double(sub.scalingFactor - 1)), pow(10, Double(sub.scalingFactor)))
            while value < smallest { (value, power) = (value * 10, power - 1) }
            while value > largest { (value, power) = (value / 10, power + 1) }
            exponent = power
        }
        let rounded = JSONataFunctions.round(value, to: sub.maximumFractionSize)
        let (zero, digits) = (symbols.zero, symbols.digits)
        var text = Array(String(format: "%.\(sub.maximumFractionSize)f", rounded).map { char -> Character in
            char == "." ? symbols.decimal : char.wholeNumberValue.map { digits[$0] } ?? char
        })
        if !text.contains(symbols.decimal) { text.append(symbols.decimal) }
        while text.first == zero { text.removeFirst() }
        while text.last == zero { text.removeLast() }
        var decimalAt = text.firstIndex(of: symbols.decimal)!
        text = Array(repeating: zero, count: max(sub.minimumIntegerSize - decimalAt, 0)) + text
        text += Array(repeating: zero, count: max(sub.minimumFractionSize - (text.count - text.firstIndex(of: symbols.decimal)! - 1), 0))
        decimalAt = text.firstIndex(of: symbols.decimal)!
        if sub.regularGrouping > 0 {
            let groups = (decimalAt - 1) / sub.regularGrouping
            if groups > 0 {
                for group in 1...groups { text.insert(symbols.grouping, at: decimalAt - group * sub.regularGrouping) }
            }
        } else {
            for position in sub.integerGroupings where position <= decimalAt {
                text.insert(symbols.grouping, at: decimalAt - position)
                decimalAt += 1
            }
        }
        decimalAt = text.firstIndex(of: symbols.decimal)!
        for position in sub.fractionGroupings where decimalAt + 1 + position <= text.count {
            text.insert(symbols.grouping, at: decimalAt + 1 + position)
        }
        if !sub.hasDecimal || text.last == symbols.decimal { text.removeLast() }
        var written = String(text)
        if let exponent {
            let power = String(String(abs(exponent)).map { digits[$0.wholeNumberValue ?? 0] })
            written += String(symbols.exponent) + (exponent < 0 ? symbols.minus : "")
                + String(repeating: zero, count: max(sub.minimumExponentSize - power.count, 0)) + power
        }
        return sub.prefix + written + sub.suffix
    }
}

extension JSONataPictures.Symbols {
    /// The symbols with those `options` names changed, each a string (one character where the picture uses it);
    /// other names are passed over.
    init(options: JSONObject) throws(JSONataError) {
        for (name, value) in options {
            guard case .string(let text) = value else { throw JSONataError("the option '\(name)' of $formatNumber must be a string") }
            let single = text.count == 1 ? text.first : nil
            switch (name, single) {
            case ("decimal-separator", let char?): decimal = char
            case ("grouping-separator", let char?): grouping = char
            case ("exponent-separator", let char?): exponent = char
            case ("zero-digit", let char?):
                zero = char
                digits = (0..<10).map { Character(Unicode.Scalar(char.unicodeScalars.first!.value + UInt32($0)) ?? "0") }
            case ("digit", let char?): digit = char
            case ("pattern-separator", let char?): patternSeparator = char
            case ("minus-sign", _): minus = text
            case ("percent", _): percent = text
            case ("per-mille", _): perMille = text
            case ("decimal-separator", nil), ("grouping-separator", nil), ("exponent-separator", nil), ("zero-digit", nil),
                ("digit", nil), ("pattern-separator", nil):
                throw JSONataError("the option '\(name)' of $formatNumber must be one character")
            // `infinity` and `NaN` name what JSON cannot hold; JSONata passes over a name it does not know.
            default: break
            }
        }
    }
}
