/// SplitMix64: a small seeded generator, so interval draws are reproducible in tests and
/// continue across restarts (its state is saved with the schedule).
public struct SplitMix64: RandomNumberGenerator, Sendable, Equatable, Codable {
    public var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A whole number of seconds drawn uniformly from `low...high`.
    mutating func seconds(between low: Duration, and high: Duration) -> Duration {
        let lo = low.components.seconds
        let hi = max(lo, high.components.seconds)
        let span = UInt64(hi - lo) + 1
        let pick = next().multipliedFullWidth(by: span).high
        return .seconds(lo + Int64(pick))
    }
}
