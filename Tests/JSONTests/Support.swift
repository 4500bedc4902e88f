import Foundation
import JSON
import Testing

/// Foundation's encoder configured the way limber always wrote JSON: the reference output.
func foundationEncode<T: Encodable>(_ value: T) throws -> [UInt8] {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return [UInt8](try encoder.encode(value))
}

func foundationDecode<T: Decodable>(_ type: T.Type, _ bytes: [UInt8]) throws -> T {
    try JSONDecoder().decode(type, from: Data(bytes))
}

func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

/// A coding path as `a.#1.b`: string keys by name, array indices as `#n`.
func pathText(_ path: [any CodingKey]) -> String {
    path.map { key in key.intValue.map { "#\($0)" } ?? key.stringValue }.joined(separator: ".")
}

/// An error's `DecodingError` case and coding path, e.g. `typeMismatch Int @ b.#1`.
func summary(_ error: any Error) -> String {
    switch error as? DecodingError {
    case .dataCorrupted(let c)?: "dataCorrupted @ \(pathText(c.codingPath))"
    case .typeMismatch(let t, let c)?: "typeMismatch \(t) @ \(pathText(c.codingPath))"
    case .valueNotFound(let t, let c)?: "valueNotFound \(t) @ \(pathText(c.codingPath))"
    case .keyNotFound(let k, let c)?: "keyNotFound \(k.stringValue) @ \(pathText(c.codingPath))"
    default: "not a DecodingError: \(error)"
    }
}

/// What decoding `bytes` as `T` gives: `decoded`, or the error summary.
func outcome<T: Decodable>(_ type: T.Type, _ bytes: [UInt8], with decode: (T.Type, [UInt8]) throws -> T) -> String {
    do {
        _ = try decode(type, bytes)
        return "decoded"
    } catch {
        return summary(error)
    }
}

/// Every scalar type, optionals, arrays, dictionaries and nesting.
struct Sink: Codable, Equatable {
    var b: Bool
    var s: String
    var d: Double
    var f: Float
    var i: Int
    var i8: Int8
    var i16: Int16
    var i32: Int32
    var i64: Int64
    var u: UInt
    var u8: UInt8
    var u16: UInt16
    var u32: UInt32
    var u64: UInt64
    var missing: Int?
    var present: String?
    var list: [Int]
    var grid: [[String]]
    var table: [String: Double]
    var byNumber: [Int: Bool]
    var child: Child?
    var children: [Child]

    static let example = Sink(
        b: true, s: "caf\u{e9} \"quoted\" \\ / \n\t\u{1}\u{7f} \u{1F600}", d: -1234.5e-7, f: 3.25,
        i: Int.min, i8: Int8.min, i16: Int16.max, i32: Int32.min, i64: Int64.max,
        u: UInt.max, u8: UInt8.max, u16: 0, u32: UInt32.max, u64: UInt64.max,
        missing: nil, present: "here", list: [1, -2, 3], grid: [[], ["a", "b"], ["c"]],
        table: ["zeta": 1, "Alpha": 0.1, "alpha": 1e300, "\u{e9}": -0.0, "a/b": .leastNonzeroMagnitude],
        byNumber: [10: true, 9: false, -1: true],
        child: Child(name: "kid", tags: nil), children: [Child(name: "x", tags: ["t1", "t2"]), Child(name: "", tags: [])])
}

struct Child: Codable, Equatable {
    var name: String
    var tags: [String]?
}

/// Any JSON value, decoded through every kind of container.
enum AnyJSON: Codable, Equatable {
    case null, bool(Bool), number(Double), string(String), array([AnyJSON]), object([String: AnyJSON])

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        if let single = try? decoder.singleValueContainer() {
            if single.decodeNil() { self = .null; return }
            if let b = try? single.decode(Bool.self) { self = .bool(b); return }
            if let d = try? single.decode(Double.self) { self = .number(d); return }
            if let s = try? single.decode(String.self) { self = .string(s); return }
        }
        if var list = try? decoder.unkeyedContainer() {
            var items: [AnyJSON] = []
            while !list.isAtEnd { items.append(try list.decode(AnyJSON.self)) }
            self = .array(items)
            return
        }
        let object = try decoder.container(keyedBy: Key.self)
        var members: [String: AnyJSON] = [:]
        for key in object.allKeys { members[key.stringValue] = try object.decode(AnyJSON.self, forKey: key) }
        self = .object(members)
    }

    func encode(to encoder: any Encoder) throws {
        switch self {
        case .null:
            var c = encoder.singleValueContainer()
            try c.encodeNil()
        case .bool(let b):
            var c = encoder.singleValueContainer()
            try c.encode(b)
        case .number(let d):
            var c = encoder.singleValueContainer()
            try c.encode(d)
        case .string(let s):
            var c = encoder.singleValueContainer()
            try c.encode(s)
        case .array(let items):
            var c = encoder.unkeyedContainer()
            for item in items { try c.encode(item) }
        case .object(let members):
            var c = encoder.container(keyedBy: Key.self)
            for (k, v) in members { try c.encode(v, forKey: Key(stringValue: k)) }
        }
    }
}
