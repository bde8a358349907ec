/// How `$formatInteger`, `$parseInteger` and date components write an integer besides digits: in English words
/// (`w`, `W`, `Ww`), Roman numerals (`i`, `I`) or letters (`a`, `A`), and as an ordinal (`;o`, `[D1o]`).
enum JSONataIntegerPresentation {
    case words(Case)
    case roman(upper: Bool)
    case letters(upper: Bool)

    enum Case { case lower, upper, title }

    /// The presentation a picture names; nil for a picture of digits.
    init?(picture: Substring) {
        switch picture {
        case "w": self = .words(.lower)
        case "W": self = .words(.upper)
        case "Ww": self = .words(.title)
        case "i", "I": self = .roman(upper: picture == "I")
        case "a", "A": self = .letters(upper: picture == "A")
        default: return nil
        }
    }

    func format(_ value: Int, ordinal: Bool) -> String {
        switch self {
        case .words(let letterCase):
            let words = (value < 0 ? "-" : "") + Self.words(abs(value), ordinal: ordinal)
            switch letterCase {
            case .lower: return words
            case .upper: return words.uppercased()
            case .title:
                // Each word but "and" capitalized, those after a hyphen too (`Twenty-One`).
                var title = ""
                var startsWord = true
                for (offset, char) in words.enumerated() {
                    let isAnd = words.dropFirst(offset).hasPrefix("and ")
                    title.append(startsWord && !isAnd ? Character(char.uppercased()) : char)
                    startsWord = char == " " || char == "-"
                }
                return title
            }
        case .roman(let upper):
            let roman = (value < 0 ? "-" : "") + Self.roman(abs(value))
            return upper ? roman : roman.lowercased()
        case .letters(let upper):
            var letters = ""
            var rest = abs(value)
            while rest > 0 {
                letters.insert(Character(Unicode.Scalar(UInt8(ascii: upper ? "A" : "a") + UInt8((rest - 1) % 26))), at: letters.startIndex)
                rest = (rest - 1) / 26
            }
            return (value < 0 ? "-" : "") + letters
        }
    }

    /// The integer `text` writes in this presentation; nil when it does not read as one.
    func parse(_ text: String) -> Int? {
        switch self {
        case .words: return Self.number(inWords: text.lowercased())
        case .roman: return Self.number(inRoman: text.uppercased())
        case .letters:
            var value = 0
            for scalar in text.lowercased().unicodeScalars {
                guard ("a"..."z").contains(scalar) else { return nil }
                value = value * 26 + Int(scalar.value - 96)
            }
            return text.isEmpty ? nil : value
        }
    }

    /// `1st`, `2nd`, `3rd`, `11th`: the suffix that makes digits an ordinal.
    static func ordinalSuffix(_ value: Int) -> String {
        let lastTwo = abs(value) % 100
        if (11...13).contains(lastTwo) { return "th" }
        return ["th", "st", "nd", "rd", "th", "th", "th", "th", "th", "th"][abs(value) % 10]
    }

    private static let few = [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen",
        "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
    ]
    private static let ordinals = [
        "zeroth", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth", "eleventh",
        "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth", "eighteenth", "nineteenth",
    ]
    private static let decades = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
    private static let ordinalDecades = ["twentieth", "thirtieth", "fortieth", "fiftieth", "sixtieth", "seventieth", "eightieth", "ninetieth"]
    private static let magnitudes = ["thousand", "million", "billion", "trillion"]

    /// English words, as JSONata writes them: `one thousand, nine hundred and ninety-nine`.
    private static func words(_ value: Int, ordinal: Bool, following: Bool = false) -> String {
        if value <= 19 { return (following ? " and " : "") + (ordinal ? ordinals[value] : few[value]) }
        if value < 100 {
            let (tens, rest) = value.quotientAndRemainder(dividingBy: 10)
            let decade = ordinal && rest == 0 ? ordinalDecades[tens - 2] : decades[tens - 2]
            return (following ? " and " : "") + decade + (rest > 0 ? "-" + words(rest, ordinal: ordinal) : "")
        }
        var magnitude = 0
        var factor = 100
        if value >= 1000 {
            magnitude = 1
            factor = 1000
            while magnitude < magnitudes.count, value / (factor * 1000) > 0 {
                magnitude += 1
                factor *= 1000
            }
        }
        let (leading, rest) = value.quotientAndRemainder(dividingBy: factor)
        let unit = magnitude == 0 ? few[leading] + " hundred" : words(leading, ordinal: false) + " " + magnitudes[magnitude - 1]
        let tail = rest == 0 ? (ordinal ? "th" : "") : words(rest, ordinal: ordinal, following: true)
        return (following ? ", " : "") + unit + tail
    }

    /// Each number word (cardinal or ordinal) below a hundred, and its value.
    private static let wordValues: [String: Int] = {
        var values: [String: Int] = [:]
        for (index, word) in few.enumerated() { values[word] = index }
        for (index, word) in ordinals.enumerated() { values[word] = index }
        for (index, word) in decades.enumerated() { values[word] = (index + 2) * 10 }
        for (index, word) in ordinalDecades.enumerated() { values[word] = (index + 2) * 10 }
        return values
    }()

    private static func number(inWords text: String) -> Int? {
        let values = wordValues
        var total = 0
        var current = 0
        let words = text.split { $0 == " " || $0 == "," || $0 == "-" }.filter { $0 != "and" }
        guard !words.isEmpty else { return nil }
        for word in words {
            let plain = word.hasSuffix("th") && values[String(word)] == nil ? String(word.dropLast(2)) : String(word)
            if let value = values[plain] {
                current += value
            } else if plain == "hundred" {
                current *= 100
            } else if let magnitude = magnitudes.firstIndex(of: plain) {
                total += current * Int(pow10: 3 * (magnitude + 1))
                current = 0
            } else {
                return nil
            }
        }
        return total + current
    }

    private static let romanValues = [
        (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"),
        (5, "V"), (4, "IV"), (1, "I"),
    ]

    private static func roman(_ value: Int) -> String {
        var rest = value
        var roman = ""
        for (amount, letters) in romanValues {
            while rest >= amount {
                roman += letters
                rest -= amount
            }
        }
        return roman
    }

    private static func number(inRoman text: String) -> Int? {
        var rest = Substring(text)
        var value = 0
        for (amount, letters) in romanValues {
            while rest.hasPrefix(letters) {
                value += amount
                rest = rest.dropFirst(letters.count)
            }
        }
        return rest.isEmpty && !text.isEmpty ? value : nil
    }
}

extension Int {
    /// Ten to the power `exponent`.
    init(pow10 exponent: Int) {
        self = (0..<exponent).reduce(1) { product, _ in product * 10 }
    }
}
