// Decoding from a parsed `Value`, with Foundation's errors: the same `DecodingError` cases and
// coding paths (and much the same descriptions) as its `JSONDecoder`.

struct JSONDecoderImpl: Decoder {
    let value: Value
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        switch value {
        case .object(let members):
            return KeyedDecodingContainer(KeyedDecoding<Key>(members: members, codingPath: codingPath))
        case .null:
            throw DecodingError.valueNotFound([String: Any].self, DecodingError.Context(
                codingPath: codingPath, debugDescription: "Cannot get keyed decoding container -- found null value instead"))
        default:
            throw mismatch([String: Any].self, value, codingPath)
        }
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        switch value {
        case .array(let elements):
            return UnkeyedDecoding(elements: elements, codingPath: codingPath)
        case .null:
            throw DecodingError.valueNotFound([Any].self, DecodingError.Context(
                codingPath: codingPath, debugDescription: "Cannot get unkeyed decoding container -- found null value instead"))
        default:
            throw mismatch([Any].self, value, codingPath)
        }
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        SingleValueDecoding(value: value, codingPath: codingPath)
    }
}

// MARK: Scalars

func mismatch(_ type: Any.Type, _ value: Value, _ path: [any CodingKey]) -> DecodingError {
    DecodingError.typeMismatch(type, DecodingError.Context(
        codingPath: path, debugDescription: "Expected to decode \(type) but found \(value.kindDescription) instead."))
}

/// The error for `null` where a `type` is needed, or for a value of the wrong kind.
func unexpected(_ type: Any.Type, _ value: Value, _ path: [any CodingKey]) -> DecodingError {
    if value.isNull {
        return DecodingError.valueNotFound(type, DecodingError.Context(
            codingPath: path, debugDescription: "Cannot get value of type \(type) -- found null value instead"))
    }
    return mismatch(type, value, path)
}

/// A number that does not fit: Foundation reports it as invalid JSON at the top level.
func notRepresentable(_ text: String, _ type: Any.Type, _ path: [any CodingKey]) -> DecodingError {
    DecodingError.dataCorrupted(DecodingError.Context(
        codingPath: [], debugDescription: "The given data was not valid JSON: the number \(text) at "
            + "\(describePath(path)) does not fit in \(type)."))
}

func unwrapBool(_ value: Value, _ path: @autoclosure () -> [any CodingKey]) throws -> Bool {
    guard case .bool(let b) = value else { throw unexpected(Bool.self, value, path()) }
    return b
}

func unwrapString(_ value: Value, _ path: @autoclosure () -> [any CodingKey]) throws -> String {
    guard case .string(let s) = value else { throw unexpected(String.self, value, path()) }
    return s
}

func unwrapInteger<T: FixedWidthInteger>(_ value: Value, _ type: T.Type,
                                         _ path: @autoclosure () -> [any CodingKey]) throws -> T {
    guard case .number(let text) = value else { throw unexpected(T.self, value, path()) }
    guard let n = exactInteger(text, as: T.self) else { throw notRepresentable(text, T.self, path()) }
    return n
}

func unwrapFloatingPoint<F: BinaryFloatingPoint & LosslessStringConvertible>(
    _ value: Value, _ type: F.Type, _ path: @autoclosure () -> [any CodingKey]) throws -> F
{
    guard case .number(let text) = value else { throw unexpected(F.self, value, path()) }
    guard let x = nearestFloatingPoint(text, as: F.self) else { throw notRepresentable(text, F.self, path()) }
    return x
}

// MARK: Containers

struct KeyedDecoding<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let members: [String: Value]
    let codingPath: [any CodingKey]

    var allKeys: [Key] { members.keys.compactMap { Key(stringValue: $0) } }

    func contains(_ key: Key) -> Bool { members[key.stringValue] != nil }

    private func value(_ key: Key) throws -> Value {
        guard let value = members[key.stringValue] else {
            throw DecodingError.keyNotFound(key, DecodingError.Context(
                codingPath: codingPath, debugDescription: "No value associated with key \(key) (\"\(key.stringValue)\")."))
        }
        return value
    }

    func decodeNil(forKey key: Key) throws -> Bool { try value(key).isNull }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try unwrapBool(value(key), codingPath + [key]) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try unwrapString(value(key), codingPath + [key]) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try float(key) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try float(key) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try integer(key) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try integer(key) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try integer(key) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try integer(key) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try integer(key) }
    func decode(_ type: Int128.Type, forKey key: Key) throws -> Int128 { try integer(key) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try integer(key) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try integer(key) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try integer(key) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try integer(key) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try integer(key) }
    func decode(_ type: UInt128.Type, forKey key: Key) throws -> UInt128 { try integer(key) }

    private func integer<T: FixedWidthInteger>(_ key: Key) throws -> T {
        try unwrapInteger(value(key), T.self, codingPath + [key])
    }

    private func float<F: BinaryFloatingPoint & LosslessStringConvertible>(_ key: Key) throws -> F {
        try unwrapFloatingPoint(value(key), F.self, codingPath + [key])
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try T(from: JSONDecoderImpl(value: value(key), codingPath: codingPath + [key]))
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try JSONDecoderImpl(value: value(key), codingPath: codingPath + [key]).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try JSONDecoderImpl(value: value(key), codingPath: codingPath + [key]).unkeyedContainer()
    }

    /// A missing `super` decodes as `null`, as with Foundation.
    func superDecoder() throws -> any Decoder {
        JSONDecoderImpl(value: members[JSONKey.superKey.stringValue] ?? .null, codingPath: codingPath + [JSONKey.superKey])
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        JSONDecoderImpl(value: members[key.stringValue] ?? .null, codingPath: codingPath + [key])
    }
}

struct UnkeyedDecoding: UnkeyedDecodingContainer {
    let elements: [Value]
    let codingPath: [any CodingKey]
    private(set) var currentIndex = 0

    init(elements: [Value], codingPath: [any CodingKey]) {
        self.elements = elements
        self.codingPath = codingPath
    }

    var count: Int? { elements.count }
    var isAtEnd: Bool { currentIndex >= elements.count }
    private var path: [any CodingKey] { codingPath + [JSONKey(index: currentIndex)] }

    /// The next element; the index moves on only once it has been decoded.
    private func next(_ type: Any.Type) throws -> Value {
        guard currentIndex >= 0, currentIndex < elements.count else {
            throw DecodingError.valueNotFound(type, DecodingError.Context(
                codingPath: path, debugDescription: "Unkeyed container is at end."))
        }
        return elements[currentIndex]
    }

    mutating func decodeNil() throws -> Bool {
        guard try next(Never.self).isNull else { return false }
        currentIndex += 1
        return true
    }

    /// Decodes the next element with `body`; the index moves on only when that succeeds.
    private mutating func take<T>(_ type: Any.Type, _ body: (Value, [any CodingKey]) throws -> T) throws -> T {
        let decoded = try body(next(type), path)
        currentIndex += 1
        return decoded
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try take(type) { try unwrapBool($0, $1) } }
    mutating func decode(_ type: String.Type) throws -> String { try take(type) { try unwrapString($0, $1) } }
    mutating func decode(_ type: Double.Type) throws -> Double { try float() }
    mutating func decode(_ type: Float.Type) throws -> Float { try float() }
    mutating func decode(_ type: Int.Type) throws -> Int { try integer() }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try integer() }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try integer() }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try integer() }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try integer() }
    mutating func decode(_ type: Int128.Type) throws -> Int128 { try integer() }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try integer() }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try integer() }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try integer() }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try integer() }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try integer() }
    mutating func decode(_ type: UInt128.Type) throws -> UInt128 { try integer() }

    private mutating func integer<T: FixedWidthInteger>() throws -> T {
        try take(T.self) { try unwrapInteger($0, T.self, $1) }
    }

    private mutating func float<F: BinaryFloatingPoint & LosslessStringConvertible>() throws -> F {
        try take(F.self) { try unwrapFloatingPoint($0, F.self, $1) }
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try take(type) { try T(from: JSONDecoderImpl(value: $0, codingPath: $1)) }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try take(KeyedDecodingContainer<NestedKey>.self) {
            try JSONDecoderImpl(value: $0, codingPath: $1).container(keyedBy: type)
        }
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try take((any UnkeyedDecodingContainer).self) { try JSONDecoderImpl(value: $0, codingPath: $1).unkeyedContainer() }
    }

    mutating func superDecoder() throws -> any Decoder {
        try take((any Decoder).self) { JSONDecoderImpl(value: $0, codingPath: $1) }
    }
}

struct SingleValueDecoding: SingleValueDecodingContainer {
    let value: Value
    let codingPath: [any CodingKey]

    func decodeNil() -> Bool { value.isNull }
    func decode(_ type: Bool.Type) throws -> Bool { try unwrapBool(value, codingPath) }
    func decode(_ type: String.Type) throws -> String { try unwrapString(value, codingPath) }
    func decode(_ type: Double.Type) throws -> Double { try unwrapFloatingPoint(value, type, codingPath) }
    func decode(_ type: Float.Type) throws -> Float { try unwrapFloatingPoint(value, type, codingPath) }
    func decode(_ type: Int.Type) throws -> Int { try unwrapInteger(value, type, codingPath) }
    func decode(_ type: Int8.Type) throws -> Int8 { try unwrapInteger(value, type, codingPath) }
    func decode(_ type: Int16.Type) throws -> Int16 { try unwrapInteger(value, type, codingPath) }
    func decode(_ type: Int32.Type) throws -> Int32 { try unwrapInteger(value, type, codingPath) }
    func decode(_ type: Int64.Type) throws -> Int64 { try unwrapInteger(value, type, codingPath) }
    func decode(_ type: Int128.Type) throws -> Int128 { try unwrapInteger(value, type, codingPath) }
    func decode(_ type: UInt.Type) throws -> UInt { try unwrapInteger(value, type, codingPath) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try unwrapInteger(value, type, codingPath) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try unwrapInteger(value, type, codingPath) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try unwrapInteger(value, type, codingPath) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try unwrapInteger(value, type, codingPath) }
    func decode(_ type: UInt128.Type) throws -> UInt128 { try unwrapInteger(value, type, codingPath) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try T(from: JSONDecoderImpl(value: value, codingPath: codingPath))
    }
}
