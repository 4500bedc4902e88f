/// A small JSON encoder and decoder for `Codable` types, without Foundation.
///
/// Output is what Foundation's `JSONEncoder` writes with `[.sortedKeys, .withoutEscapingSlashes]`:
/// compact, object keys sorted by their UTF-8 bytes, `/` not escaped, control characters escaped,
/// everything else written as UTF-8 — except that DEL, the C1 controls and the bidirectional
/// overrides are escaped too (`appendString`), so that no text limber prints can drive a terminal. Input is read by a strict RFC 8259 parser; errors are the
/// `DecodingError` values, with the coding paths, that Foundation's `JSONDecoder` throws.
public enum JSON {
    /// How deeply arrays and objects may nest in a decoded document.
    public static let maximumDepth = 64

    /// Encodes `value` as one compact JSON text (UTF-8, no trailing newline).
    ///
    /// Throws `EncodingError.invalidValue` for a non-finite `Double` or `Float`, or when the
    /// value encodes nothing at all; errors thrown by `value`'s own `encode(to:)` pass through.
    public static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let root = Slot()
        try value.encode(to: JSONEncoderImpl(slot: root, codingPath: []))
        if case .empty = root.node {
            throw EncodingError.invalidValue(value, EncodingError.Context(
                codingPath: [], debugDescription: "Top-level \(T.self) did not encode any values."))
        }
        var writer = Writer()
        writer.write(root)
        return writer.bytes
    }

    /// Decodes a `T` from one JSON text in UTF-8.
    ///
    /// Malformed JSON is `DecodingError.dataCorrupted` with an empty coding path and a
    /// `SyntaxError` as its underlying error; a value of the wrong kind is `.typeMismatch`, a
    /// `null` where a value is needed `.valueNotFound`, a missing key `.keyNotFound`, each with
    /// the coding path of the offending value. A number that does not fit the requested type is
    /// `.dataCorrupted` with an empty coding path, as with Foundation; its description names the path.
    public static func decode<T: Decodable>(_ type: T.Type, from bytes: some Collection<UInt8>) throws -> T {
        var parser = Parser(Array(bytes))
        let value: Value
        do {
            value = try parser.document()
        } catch {
            throw DecodingError.dataCorrupted(DecodingError.Context(
                codingPath: [], debugDescription: "The given data was not valid JSON.", underlyingError: error))
        }
        return try T(from: JSONDecoderImpl(value: value, codingPath: []))
    }

    /// Why a text is not JSON: the byte offset where reading stopped, and what was wrong there.
    public struct SyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
        public var offset: Int
        public var reason: String

        public init(offset: Int, reason: String) {
            self.offset = offset
            self.reason = reason
        }

        public var description: String { "\(reason) at byte \(offset)" }
    }
}

/// The coding keys this module makes itself: array indices and `super`.
struct JSONKey: CodingKey {
    var stringValue: String
    var intValue: Int?

    init(stringValue: String) {
        self.stringValue = stringValue
        intValue = nil
    }

    init(intValue: Int) {
        stringValue = String(intValue)
        self.intValue = intValue
    }

    /// The key of an array element, as Foundation names it.
    init(index: Int) {
        stringValue = "Index \(index)"
        intValue = index
    }

    static let superKey = JSONKey(stringValue: "super")
}

/// A coding path as text, for error messages: `a.b[2]`.
func describePath(_ path: [any CodingKey]) -> String {
    var text = ""
    for key in path {
        if let index = key.intValue, key.stringValue.hasPrefix("Index ") {
            text += "[\(index)]"
        } else {
            text += (text.isEmpty ? "" : ".") + key.stringValue
        }
    }
    return text.isEmpty ? "the top level" : text
}
