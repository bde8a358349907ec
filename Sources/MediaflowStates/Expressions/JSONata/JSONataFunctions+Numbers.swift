import Foundation

/// JSONata's numeric, aggregating, Boolean and date functions.
extension JSONataFunctions {
    static let numbers: [String: JSONataFunction] = [
        "number": { args, _ throws(JSONataError) in try number(args.optional(0)) },
        "abs": { args, _ throws(JSONataError) in try args.number(0).map { .number(abs($0)) } },
        "floor": { args, _ throws(JSONataError) in try args.number(0).map { .number($0.rounded(.down)) } },
        "ceil": { args, _ throws(JSONataError) in try args.number(0).map { .number($0.rounded(.up)) } },
        "round": { args, _ throws(JSONataError) in
            guard let value = try args.number(0) else { return nil }
            return .number(round(value, to: Int(saturating: try args.number(1) ?? 0)))
        },
        "power": { args, _ throws(JSONataError) in
            guard let base = try args.number(0) else { return nil }
            // No exponent makes JavaScript's Math.pow give NaN, which JSONata refuses as it refuses infinity.
            let exponent = try args.number(1)
            let result = exponent.map { pow(base, $0) } ?? .nan
            guard result.isFinite else {
                let written = [.number(base), exponent.map(JSONValue.number)].map { $0.map(JSONText.serialize) ?? "undefined" }
                throw JSONataError("D3061: $power(\(written.joined(separator: ", "))) is not a finite number")
            }
            return .number(result)
        },
        "sqrt": { args, _ throws(JSONataError) in
            guard let value = try args.number(0) else { return nil }
            guard value >= 0 else { throw JSONataError("D3060: $sqrt of a negative number") }
            return .number(value.squareRoot())
        },
        "formatBase": { args, _ throws(JSONataError) in
            guard let value = try args.number(0) else { return nil }
            let radix = Int(saturating: try args.number(1) ?? 10)
            guard (2...36).contains(radix) else { throw JSONataError("D3100: the radix of $formatBase is between 2 and 36") }
            return .string(String(Int(saturating: value.rounded(.toNearestOrEven)), radix: radix))
        },
        "sum": { args, _ throws(JSONataError) in try numbers(args).map { .number($0.reduce(0, +)) } },
        "max": { args, _ throws(JSONataError) in try numbers(args).flatMap { $0.max() }.map { .number($0) } },
        "min": { args, _ throws(JSONataError) in try numbers(args).flatMap { $0.min() }.map { .number($0) } },
        "average": { args, _ throws(JSONataError) in
            guard let values = try numbers(args), !values.isEmpty else { return nil }
            return .number(values.reduce(0, +) / Double(values.count))
        },
        "count": { args, _ throws(JSONataError) in .number(Double(args.array(0)?.count ?? 0)) },
        "boolean": { args, _ throws(JSONataError) in
            if args.isFunction(0) { return .bool(false) }
            return try args.optional(0).map { .bool(JSONataEvaluator.truthy($0)) }
        },
        "not": { args, _ throws(JSONataError) in
            if args.isFunction(0) { return .bool(true) }
            return try args.optional(0).map { .bool(!JSONataEvaluator.truthy($0)) }
        },
        "exists": { args, _ throws(JSONataError) in
            .bool(args.isFunction(0) || args.list.first?.value != nil)
        },
        "now": { args, environment throws(JSONataError) in try timestamp(environment.now * 1000, picture: args.string(0)) },
        "millis": { _, environment throws(JSONataError) in .number((environment.now * 1000).rounded(.down)) },
        "fromMillis": { args, _ throws(JSONataError) in
            guard let millis = try args.number(0) else { return nil }
            return try timestamp(millis, picture: args.string(1), zone: args.string(2))
        },
        "formatNumber": { args, _ throws(JSONataError) in
            guard let value = try args.number(0) else { return nil }
            guard let picture = try args.string(1) else { throw args.mismatch(1, "a picture string") }
            var symbols = JSONataPictures.Symbols()
            if let options = try args.optional(2) {
                guard case .object(let members) = options else { throw args.mismatch(2, "an object of options") }
                symbols = try JSONataPictures.Symbols(options: members)
            }
            return .string(try JSONataPictures.format(number: value, picture: picture, symbols: symbols))
        },
        "formatInteger": { args, _ throws(JSONataError) in
            guard let value = try args.number(0) else { return nil }
            guard let picture = try args.string(1), !picture.contains(".") else { throw args.mismatch(1, "a picture of decimal digits") }
            let (primary, ordinal) = integerPicture(picture)
            let integer = Int(saturating: value.rounded(.towardZero))
            if let presentation = JSONataIntegerPresentation(picture: primary) {
                return .string(presentation.format(integer, ordinal: ordinal))
            }
            let digits = try JSONataPictures.format(number: value.rounded(.towardZero), picture: String(primary))
            return .string(digits + (ordinal ? JSONataIntegerPresentation.ordinalSuffix(integer) : ""))
        },
        "parseInteger": { args, _ throws(JSONataError) in
            guard let text = try args.string(0) else { return nil }
            guard let picture = try args.string(1) else { throw args.mismatch(1, "a picture string") }
            let (primary, _) = integerPicture(picture)
            let parsed: Int?
            if let presentation = JSONataIntegerPresentation(picture: primary) {
                parsed = presentation.parse(text)
            } else {
                let digits = text.filter { $0.isASCII && $0.isNumber }
                parsed = digits.isEmpty ? nil : Int(digits).map { text.hasPrefix("-") ? -$0 : $0 }
            }
            guard let parsed else { throw JSONataError("D3137: '\(text)' does not read as an integer in the picture '\(picture)'") }
            return .number(Double(parsed))
        },
        "toMillis": { args, environment throws(JSONataError) in
            guard let text = try args.string(0) else { return nil }
            if let picture = try args.string(1) {
                return try JSONataDatePicture.millis(from: text, picture: picture, now: environment.now).map(JSONValue.number)
            }
            if let seconds = StatesTimestamp.parse(text) { return .number((seconds * 1000).rounded()) }
            // A date, or a date and time without an offset, is read in UTC.
            for picture in ["[Y0001]-[M01]-[D01]", "[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01]", "[Y0001]-[M01]-[D01]T[H01]:[m01]"] {
                if let millis = try JSONataDatePicture.millis(from: text, picture: picture, now: environment.now) { return .number(millis) }
            }
            throw JSONataError("D3110: '\(text)' is not an ISO 8601 timestamp")
        },
    ]

    /// A time, in milliseconds since 1970, as ISO 8601 text or in a picture's form, in UTC or at an offset
    /// such as `+0100`.
    private static func timestamp(_ millis: Double, picture: String?, zone: String? = nil) throws(JSONataError) -> JSONValue {
        let date = Date(timeIntervalSince1970: millis / 1000)
        guard let picture = picture ?? zone.map({ _ in "[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01].[f001][Z01:01t]" }) else {
            return .string(Timestamp.format(date))
        }
        var offset = JSONataDatePicture.utc
        if let zone {
            let signed = zone.first == "+" || zone.first == "-"
            let digits = signed ? zone.dropFirst() : zone[...]
            guard digits.count == 4, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let hhmm = Int(digits),
                let given = TimeZone(secondsFromGMT: (zone.first == "-" ? -1 : 1) * (hhmm / 100 * 3600 + hhmm % 100 * 60))
            else { throw JSONataError("D3134: '\(zone)' is not a time zone offset such as +0100") }
            offset = given
        }
        return .string(try JSONataDatePicture.format(date: date, picture: picture, zone: offset))
    }

    /// `value` rounded half to even at `precision` decimal places (negative: tens, hundreds…), shifted through its
    /// decimal text, as JSONata does, so that 2.675 is 267.5 and not 267.49999….
    static func round(_ value: Double, to precision: Int) -> Double {
        let precision = Swift.min(Swift.max(precision, -308), 308)
        let shifted = Double("\(value)e\(precision)") ?? value * pow(10, Double(precision))
        let rounded = shifted.rounded(.toNearestOrEven)
        return Double("\(rounded)e\(-precision)") ?? rounded / pow(10, Double(precision))
    }

    /// A `$formatInteger` picture and whether it asks for an ordinal (`;o`).
    private static func integerPicture(_ picture: String) -> (primary: Substring, ordinal: Bool) {
        let parts = picture.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)
        return (parts[0], parts.count > 1 && parts[1].hasPrefix("o"))
    }

    private static func number(_ value: JSONValue?) throws(JSONataError) -> JSONValue? {
        switch value {
        case nil: return nil
        case .number?: return value
        case .bool(let flag)?: return .number(flag ? 1 : 0)
        case .string(let text)?:
            guard let number = Double(text), number.isFinite else { throw JSONataError("D3030: unable to cast \"\(text)\" to a number") }
            return .number(number)
        case let other?: throw JSONataError("D3030: unable to cast \(JSONText.serialize(other)) to a number")
        }
    }

    /// The first argument as an array of numbers, for `$sum` and the like.
    private static func numbers(_ args: Arguments) throws(JSONataError) -> [Double]? {
        guard let values = args.array(0) else { return nil }
        var numbers: [Double] = []
        for value in values {
            guard case .number(let number) = value else { throw JSONataError("T0412: $\(args.function) takes an array of numbers") }
            numbers.append(number)
        }
        return numbers
    }
}
