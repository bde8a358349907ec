extension Int {
    /// The integer part of a JSON number, held within ±2^53 (the integers a JSON number keeps exactly), NaN as 0.
    /// `Int(_:)` stops the process on a number out of range, such as 1e300 written in a state machine or its input.
    public init(saturating value: Double) {
        let limit = 9_007_199_254_740_992.0
        self = value.isNaN ? 0 : Int(Swift.min(Swift.max(value, -limit), limit))
    }
}

extension Int64 {
    /// `Int(saturating:)` as an `Int64`.
    public init(saturating value: Double) { self.init(Int(saturating: value)) }
}
