import LimberCore

/// Rotates through a set of ids so that none comes back before every other has had its turn.
///
/// A round offers each eligible id once, in a random order; the next round starts with any id
/// but the one offered last, so nothing is offered twice in a row while there is a choice. The
/// set may change between picks (a new configuration, other equipment): an id that becomes
/// eligible mid-round is offered in that round, one that stops being eligible is not offered.
/// The state is saved with the schedule, so a restart continues the round.
public struct Rotation: Sendable, Equatable {
    /// Ids offered in the current round, oldest first.
    public private(set) var offered: [String]
    public private(set) var rng: SplitMix64

    public init(seed: UInt64) {
        offered = []
        rng = SplitMix64(seed: seed)
    }

    /// The next id from `eligible` (order does not matter; duplicates count once); nil when
    /// `eligible` is empty.
    public mutating func next(from eligible: [String]) -> String? {
        var pool: [String] = []
        for id in eligible where !pool.contains(id) { pool.append(id) }
        guard !pool.isEmpty else { return nil }
        var remaining = pool.filter { !offered.contains($0) }
        if remaining.isEmpty {
            let last = offered.last
            offered = []
            remaining = pool.count > 1 ? pool.filter { $0 != last } : pool
        }
        // Sorted, so the pick depends on the set and the generator only, not on the order given.
        remaining.sort()
        let pick = remaining[Int(rng.next().multipliedFullWidth(by: UInt64(remaining.count)).high)]
        offered.append(pick)
        return pick
    }

    /// Starts a new round (the next pick may be any id).
    public mutating func reset() { offered = [] }
}

// Arrays are written element by element: going through Array's conditional Encodable
// conformance makes the runtime build its witness table with the demangler, which costs
// limberd resident pages on every start (it saves this state at once).
extension Rotation: Codable {
    enum CodingKeys: String, CodingKey { case offered, rng }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        offered = try decodeStrings(c, .offered)
        rng = try c.decode(SplitMix64.self, forKey: .rng)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try encodeStrings(offered, &c, .offered)
        try c.encode(rng, forKey: .rng)
    }
}

/// Reads a JSON array of strings without Array's Decodable conformance.
func decodeStrings<K: CodingKey>(_ c: KeyedDecodingContainer<K>, _ key: K) throws -> [String] {
    guard try c.contains(key) && !c.decodeNil(forKey: key) else { return [] }
    var list = try c.nestedUnkeyedContainer(forKey: key)
    var out: [String] = []
    while !list.isAtEnd { out.append(try list.decode(String.self)) }
    return out
}

/// Writes a JSON array of strings without Array's Encodable conformance.
func encodeStrings<K: CodingKey>(_ values: [String], _ c: inout KeyedEncodingContainer<K>, _ key: K) throws {
    var list = c.nestedUnkeyedContainer(forKey: key)
    for v in values { try list.encode(v) }
}
