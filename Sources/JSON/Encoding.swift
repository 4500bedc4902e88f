/// Where one encoded value goes. Containers hold their children's slots, so a nested container
/// or a super encoder can fill its slot after the parent has moved on.
final class Slot {
    var node: Node = .empty
    init() {}
    init(_ node: Node) { self.node = node }
}

enum Node {
    /// Nothing encoded (yet); written as `{}`, as Foundation does.
    case empty
    /// `null`, `true`, `false` or a number, as written.
    case literal(String)
    case string(String)
    case array(ArrayStore)
    case object(ObjectStore)
}

final class ArrayStore {
    var slots: [Slot] = []
}

final class ObjectStore {
    var slots: [String: Slot] = [:]
}

struct JSONEncoderImpl: Encoder {
    let slot: Slot
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(KeyedEncoding<Key>(store: slot.objectStore(), codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        UnkeyedEncoding(store: slot.arrayStore(), codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleValueEncoding(slot: slot, codingPath: codingPath)
    }
}

extension Slot {
    /// The object in this slot; a value that asks for a keyed container twice gets the same one.
    func objectStore() -> ObjectStore {
        if case .object(let store) = node { return store }
        let store = ObjectStore()
        node = .object(store)
        return store
    }

    func arrayStore() -> ArrayStore {
        if case .array(let store) = node { return store }
        let store = ArrayStore()
        node = .array(store)
        return store
    }
}

// MARK: Scalars

/// The JSON text of a number, or the error Foundation throws for a non-finite one.
func floatingText<F: BinaryFloatingPoint & LosslessStringConvertible>(_ value: F, path: @autoclosure () -> [any CodingKey]) throws -> Node {
    guard value.isFinite else {
        throw EncodingError.invalidValue(value, EncodingError.Context(
            codingPath: path(), debugDescription: "Unable to encode \(F.self).\(value) directly in JSON."))
    }
    var text = value.description
    if text.hasSuffix(".0") { text.removeLast(2) }
    return .literal(text)
}

func integerText(_ value: some FixedWidthInteger) -> Node { .literal(String(value)) }

func encodeGeneric<T: Encodable>(_ value: T, into slot: Slot, path: [any CodingKey]) throws {
    try value.encode(to: JSONEncoderImpl(slot: slot, codingPath: path))
}

// MARK: Containers

struct KeyedEncoding<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let store: ObjectStore
    let codingPath: [any CodingKey]

    private func set(_ node: Node, _ key: Key) { store.slots[key.stringValue] = Slot(node) }

    mutating func encodeNil(forKey key: Key) throws { set(.literal("null"), key) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { set(.literal(value ? "true" : "false"), key) }
    mutating func encode(_ value: String, forKey key: Key) throws { set(.string(value), key) }
    mutating func encode(_ value: Double, forKey key: Key) throws {
        set(try floatingText(value, path: codingPath + [key]), key)
    }
    mutating func encode(_ value: Float, forKey key: Key) throws {
        set(try floatingText(value, path: codingPath + [key]), key)
    }
    mutating func encode(_ value: Int, forKey key: Key) throws { set(integerText(value), key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { set(integerText(value), key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { set(integerText(value), key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { set(integerText(value), key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { set(integerText(value), key) }
    mutating func encode(_ value: Int128, forKey key: Key) throws { set(integerText(value), key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { set(integerText(value), key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { set(integerText(value), key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { set(integerText(value), key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { set(integerText(value), key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { set(integerText(value), key) }
    mutating func encode(_ value: UInt128, forKey key: Key) throws { set(integerText(value), key) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        let slot = Slot()
        store.slots[key.stringValue] = slot
        try encodeGeneric(value, into: slot, path: codingPath + [key])
    }

    private func childSlot(_ key: String) -> Slot {
        if let existing = store.slots[key] { return existing }
        let slot = Slot()
        store.slots[key] = slot
        return slot
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
        -> KeyedEncodingContainer<NestedKey>
    {
        KeyedEncodingContainer(KeyedEncoding<NestedKey>(store: childSlot(key.stringValue).objectStore(),
                                                        codingPath: codingPath + [key]))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        UnkeyedEncoding(store: childSlot(key.stringValue).arrayStore(), codingPath: codingPath + [key])
    }

    mutating func superEncoder() -> any Encoder { superEncoder(JSONKey.superKey) }
    mutating func superEncoder(forKey key: Key) -> any Encoder { superEncoder(key) }

    private func superEncoder(_ key: any CodingKey) -> any Encoder {
        let slot = Slot()
        store.slots[key.stringValue] = slot
        return JSONEncoderImpl(slot: slot, codingPath: codingPath + [key])
    }
}

struct UnkeyedEncoding: UnkeyedEncodingContainer {
    let store: ArrayStore
    let codingPath: [any CodingKey]
    var count: Int { store.slots.count }

    private func append(_ node: Node) { store.slots.append(Slot(node)) }
    private var nextKey: JSONKey { JSONKey(index: store.slots.count) }

    mutating func encodeNil() throws { append(.literal("null")) }
    mutating func encode(_ value: Bool) throws { append(.literal(value ? "true" : "false")) }
    mutating func encode(_ value: String) throws { append(.string(value)) }
    mutating func encode(_ value: Double) throws { append(try floatingText(value, path: codingPath + [nextKey])) }
    mutating func encode(_ value: Float) throws { append(try floatingText(value, path: codingPath + [nextKey])) }
    mutating func encode(_ value: Int) throws { append(integerText(value)) }
    mutating func encode(_ value: Int8) throws { append(integerText(value)) }
    mutating func encode(_ value: Int16) throws { append(integerText(value)) }
    mutating func encode(_ value: Int32) throws { append(integerText(value)) }
    mutating func encode(_ value: Int64) throws { append(integerText(value)) }
    mutating func encode(_ value: Int128) throws { append(integerText(value)) }
    mutating func encode(_ value: UInt) throws { append(integerText(value)) }
    mutating func encode(_ value: UInt8) throws { append(integerText(value)) }
    mutating func encode(_ value: UInt16) throws { append(integerText(value)) }
    mutating func encode(_ value: UInt32) throws { append(integerText(value)) }
    mutating func encode(_ value: UInt64) throws { append(integerText(value)) }
    mutating func encode(_ value: UInt128) throws { append(integerText(value)) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        let key = nextKey
        let slot = Slot()
        store.slots.append(slot)
        try encodeGeneric(value, into: slot, path: codingPath + [key])
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type)
        -> KeyedEncodingContainer<NestedKey>
    {
        let key = nextKey
        let slot = Slot()
        store.slots.append(slot)
        return KeyedEncodingContainer(KeyedEncoding<NestedKey>(store: slot.objectStore(), codingPath: codingPath + [key]))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let key = nextKey
        let slot = Slot()
        store.slots.append(slot)
        return UnkeyedEncoding(store: slot.arrayStore(), codingPath: codingPath + [key])
    }

    mutating func superEncoder() -> any Encoder {
        let key = nextKey
        let slot = Slot()
        store.slots.append(slot)
        return JSONEncoderImpl(slot: slot, codingPath: codingPath + [key])
    }
}

struct SingleValueEncoding: SingleValueEncodingContainer {
    let slot: Slot
    let codingPath: [any CodingKey]

    mutating func encodeNil() throws { slot.node = .literal("null") }
    mutating func encode(_ value: Bool) throws { slot.node = .literal(value ? "true" : "false") }
    mutating func encode(_ value: String) throws { slot.node = .string(value) }
    mutating func encode(_ value: Double) throws { slot.node = try floatingText(value, path: codingPath) }
    mutating func encode(_ value: Float) throws { slot.node = try floatingText(value, path: codingPath) }
    mutating func encode(_ value: Int) throws { slot.node = integerText(value) }
    mutating func encode(_ value: Int8) throws { slot.node = integerText(value) }
    mutating func encode(_ value: Int16) throws { slot.node = integerText(value) }
    mutating func encode(_ value: Int32) throws { slot.node = integerText(value) }
    mutating func encode(_ value: Int64) throws { slot.node = integerText(value) }
    mutating func encode(_ value: Int128) throws { slot.node = integerText(value) }
    mutating func encode(_ value: UInt) throws { slot.node = integerText(value) }
    mutating func encode(_ value: UInt8) throws { slot.node = integerText(value) }
    mutating func encode(_ value: UInt16) throws { slot.node = integerText(value) }
    mutating func encode(_ value: UInt32) throws { slot.node = integerText(value) }
    mutating func encode(_ value: UInt64) throws { slot.node = integerText(value) }
    mutating func encode(_ value: UInt128) throws { slot.node = integerText(value) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        try encodeGeneric(value, into: slot, path: codingPath)
    }
}

// MARK: Writing

struct Writer {
    var bytes: [UInt8] = []

    mutating func write(_ slot: Slot) {
        switch slot.node {
        case .empty:
            bytes.append(UInt8(ascii: "{"))
            bytes.append(UInt8(ascii: "}"))
        case .literal(let text):
            bytes.append(contentsOf: text.utf8)
        case .string(let text):
            writeString(text)
        case .array(let store):
            bytes.append(UInt8(ascii: "["))
            for (i, element) in store.slots.enumerated() {
                if i > 0 { bytes.append(UInt8(ascii: ",")) }
                write(element)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let store):
            bytes.append(UInt8(ascii: "{"))
            let sorted = store.slots.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            for (i, member) in sorted.enumerated() {
                if i > 0 { bytes.append(UInt8(ascii: ",")) }
                writeString(member.key)
                bytes.append(UInt8(ascii: ":"))
                write(member.value)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    mutating func writeString(_ text: String) {
        JSON.appendString(text, to: &bytes)
    }
}

extension JSON {
    /// Appends `text` as a JSON string literal to `bytes`: quotes and backslashes escaped, C0
    /// controls as `\b \f \n \r \t` or `\u00XX` (lower-case hex, as Foundation writes them),
    /// and, unlike Foundation, DEL, the C1 controls (U+0080...U+009F) and the bidirectional
    /// overrides and isolates (U+202A...U+202E, U+2066...U+2069) as `\uXXXX`. JSON allows those
    /// raw, but `jq -r`, a pager or a terminal showing a state file would act on them.
    /// Everything else is written as UTF-8. Every JSON this project writes goes through here.
    public static func appendString(_ text: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        var copy = text
        copy.withUTF8 { utf8 in appendEscaped(utf8, to: &bytes) }
        bytes.append(UInt8(ascii: "\""))
    }

    /// `text` as a JSON string literal, quotes included.
    public static func quoted(_ text: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count + 2)
        appendString(text, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func appendEscaped(_ utf8: UnsafeBufferPointer<UInt8>, to bytes: inout [UInt8]) {
        let hex: StaticString = "0123456789abcdef"
        func escape(_ letter: UInt8) {
            bytes.append(UInt8(ascii: "\\"))
            bytes.append(letter)
        }
        func unicode(_ scalar: UInt32) {
            escape(UInt8(ascii: "u"))
            for shift in [12, 8, 4, 0] as [UInt32] { bytes.append(hex.utf8Start[Int((scalar >> shift) & 0xF)]) }
        }
        var k = 0
        let n = utf8.count
        // Runs of plain bytes are copied whole: most strings have nothing to escape.
        var plainFrom = 0
        func flush(_ upTo: Int) {
            if upTo > plainFrom { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[plainFrom..<upTo])) }
        }
        while k < n {
            let byte = utf8[k]
            var width = 0  // bytes of an escaped character at k; 0 when it is written as it is
            var scalar: UInt32 = 0
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), 0x00...0x1F, 0x7F:
                width = 1
                scalar = UInt32(byte)
            case 0xC2 where k + 1 < n && utf8[k + 1] <= 0x9F:
                // U+0080...U+009F, the C1 controls.
                width = 2
                scalar = UInt32(utf8[k + 1])
            case 0xE2 where k + 2 < n:
                let b1 = utf8[k + 1], b2 = utf8[k + 2]
                if (b1 == 0x80 && (0xAA...0xAE).contains(b2)) || (b1 == 0x81 && (0xA6...0xA9).contains(b2)) {
                    width = 3
                    scalar = 0x2000 | UInt32(b1 & 0x0F) << 6 | UInt32(b2 & 0x3F)
                }
            default:
                break
            }
            if width == 0 {
                k += 1
                continue
            }
            flush(k)
            switch scalar {
            case UInt32(UInt8(ascii: "\"")): escape(UInt8(ascii: "\""))
            case UInt32(UInt8(ascii: "\\")): escape(UInt8(ascii: "\\"))
            case 0x08: escape(UInt8(ascii: "b"))
            case 0x0C: escape(UInt8(ascii: "f"))
            case 0x0A: escape(UInt8(ascii: "n"))
            case 0x0D: escape(UInt8(ascii: "r"))
            case 0x09: escape(UInt8(ascii: "t"))
            default: unicode(scalar)
            }
            k += width
            plainFrom = k
        }
        flush(n)
    }
}
