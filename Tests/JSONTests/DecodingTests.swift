import Foundation
import JSON
import Testing

struct W: Codable, Equatable {
    var a: Int
    var b: [Int8]?
    var c: String?
}

enum Letter: String, Codable { case x }

@Suite struct Decoding {
    func decode<T: Decodable>(_ type: T.Type, _ s: String) throws -> T { try JSON.decode(type, from: Array(s.utf8)) }

    @Test func documentsWithWhitespaceEscapesAndUnicode() throws {
        #expect(try decode(W.self, " \t\r\n{ \"a\" : 1 , \"b\" : [ 1 , -2 ] , \"c\" : null } \n") == W(a: 1, b: [1, -2], c: nil))
        #expect(try decode(String.self, #""\"\\\/\b\f\n\r\t""#) == "\"\\/\u{8}\u{c}\n\r\t")
        #expect(try decode(String.self, #""\u00e9\u00E9\u0000\uD83D\uDE00\ud83d\ude00""#) == "\u{e9}\u{e9}\u{0}\u{1F600}\u{1F600}")
        #expect(try decode(String.self, "\"caf\u{e9} \u{10FFFF} \u{1F600} \u{7f}\"") == "caf\u{e9} \u{10FFFF} \u{1F600} \u{7f}")
        #expect(try decode([String: Int].self, "{}") == [:])
        #expect(try decode([Int].self, "[]") == [])
        #expect(try decode(Bool.self, "true") && !decode(Bool.self, "false"))
        #expect(try decode(Int?.self, "null") == nil)
        #expect(try decode([Int: Bool].self, #"{"10":true,"-1":false}"#) == [10: true, -1: false])
    }

    @Test func unknownKeysAreIgnoredAndTheFirstOfRepeatedKeysWins() throws {
        #expect(try decode(W.self, #"{"a":1,"zzz":{"deep":[1,2,{"x":null}]},"c":"s"}"#) == W(a: 1, b: nil, c: "s"))
        #expect(try decode(W.self, #"{"a":1,"a":2}"#).a == 1)
        #expect(try foundationDecode(W.self, Array(#"{"a":1,"a":2}"#.utf8)).a == 1)
    }

    @Test func aByteOrderMarkIsSkipped() throws {
        #expect(try JSON.decode(Int.self, from: [0xEF, 0xBB, 0xBF] + Array("1".utf8)) == 1)
        #expect(throws: DecodingError.self) { try JSON.decode(Int.self, from: [0xEF, 0xBB] + Array("1".utf8)) }
    }

    @Test func integersConvertExactlyOrNotAtAll() throws {
        #expect(try decode(Int.self, "1.0") == 1)
        #expect(try decode(Int.self, "1e2") == 100)
        #expect(try decode(Int.self, "1E+2") == 100)
        #expect(try decode(Int.self, "100e-2") == 1)
        #expect(try decode(Int.self, "0.0000") == 0)
        #expect(try decode(Int.self, "-0") == 0)
        #expect(try decode(UInt8.self, "-0") == 0)
        #expect(try decode(UInt64.self, "18446744073709551615") == UInt64.max)
        #expect(try decode(UInt64.self, "1.8446744073709551615e19") == UInt64.max)
        #expect(try decode(Int64.self, "-9223372036854775808") == Int64.min)
        // Exact where Foundation goes through Double: it refuses the first and rounds the second.
        #expect(try decode(Int64.self, "9223372036854775807.0") == Int64.max)
        #expect(try decode(Int64.self, "9007199254740993.0") == 9_007_199_254_740_993)
        #expect(try decode(Int8.self, "-128") == -128)
        #expect(try decode(Int8.self, "127") == 127)
        for (text, fits) in [("256", false), ("255", true), ("-1", false), ("2.55e2", true), ("25.6e1", false)] {
            #expect((try? decode(UInt8.self, text)) != nil ? fits : !fits, "\(text)")
        }
        for bad in ["1.5", "1e-1", "-1e-9999999999999999999999", "1e400", "9223372036854775808",
                    "-9223372036854775809", "1" + String(repeating: "0", count: 500)] {
            #expect { try decode(Int.self, bad) } throws: { summary($0) == "dataCorrupted @ " }
        }
    }

    @Test func floatingPointConvertsToTheNearestValue() throws {
        #expect(try decode(Double.self, "0.1") == 0.1)
        #expect(try decode(Double.self, "1") == 1)
        #expect(try decode(Double.self, "-0").sign == .minus)
        #expect(try decode(Double.self, "3e-324") == .leastNonzeroMagnitude)
        #expect(try decode(Double.self, "123456789012345678901234567890") == 1.2345678901234568e29)
        #expect(try decode(Double.self, "1E5") == 100_000)
        #expect(try decode(Double.self, "18446744073709551615") == 18446744073709551615.0)
        #expect(try decode(Float.self, "1e-45") == .leastNonzeroMagnitude)
        #expect(try decode(Float.self, "3.4028235e38") == .greatestFiniteMagnitude)
        #expect(try decode(Double.self, "0e-999999") == 0)
        // Overflow and underflow of a non-zero number are refused, as with Foundation.
        for bad in ["1e400", "-1e400", "2e-324", "1e-400"] {
            #expect { try decode(Double.self, bad) } throws: { summary($0) == "dataCorrupted @ " }
            #expect { try foundationDecode(Double.self, Array(bad.utf8)) } throws: { summary($0) == "dataCorrupted @ " }
        }
        for bad in ["1e39", "1e-50"] {
            #expect { try decode(Float.self, bad) } throws: { summary($0) == "dataCorrupted @ " }
        }
    }

    /// Malformed text: Foundation reports each as dataCorrupted at the top, and so do we.
    @Test(arguments: [
        "", " ", "{", "}", "[", "]", "[1", "[1 2]", "{\"a\"}", "{\"a\":}", "{\"a\" 1}", "{a:1}", "{'a':1}", "{1:1}",
        "01", "-01", "-", "1.", ".5", "+1", "1e", "1e+", "0x10", "NaN", "Infinity", "-Infinity",
        "tru", "nul", "True", "1 2", "{\"a\":1} x", "/*c*/1", "1 //c", "\"abc", "\"\\x\"", "\"\\u12\"", "\"\\u12G4\"",
        "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"", "\"\\ud800x\"", "\"\u{1}\"", "\"\t\"", "\"\n\"", "\u{a0}1", "\u{c}1",
    ])
    func malformedTextIsDataCorrupted(_ input: String) {
        let bytes = Array(input.utf8)
        #expect(summary(expectError { try JSON.decode(Int.self, from: bytes) }) == "dataCorrupted @ ")
        #expect(summary(expectError { try JSON.decode(String.self, from: bytes) }) == "dataCorrupted @ ")
        // Foundation reads lazily and may first complain about the type; it never accepts these either.
        #expect((try? foundationDecode(String.self, bytes)) == nil)
    }

    /// Foundation tolerates these (it parses lazily and allows trailing commas); RFC 8259 does not.
    @Test(arguments: [
        "{\"a\":1,}", "[1,]", "[1,,2]", "{\"a\":1,\"z\":[1,]}", "{\"a\":1,\"z\":\"\\q\"}", "{\"a\":1,\"z\":01}",
        "{\"a\":1,\"b\":[1,2,]}", "{,\"a\":1}", "{\"a\":1,,\"c\":\"x\"}",
    ])
    func strictWhereFoundationIsLenient(_ input: String) {
        #expect(summary(expectError { try JSON.decode(W.self, from: Array(input.utf8)) }) == "dataCorrupted @ ")
    }

    @Test func invalidUTF8IsRefused() throws {
        let bad: [[UInt8]] = [[0xFF], [0xC0, 0x80], [0xC1, 0xBF], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80],
                              [0xF0, 0x80, 0x80, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80],
                              [0x80], [0xC3], [0xE2, 0x82], [0xF0, 0x9F, 0x98], [0xC3, 0x28]]
        for sequence in bad {
            let document = [0x22] + sequence + [0x22]
            #expect(summary(expectError { try JSON.decode(String.self, from: document) }) == "dataCorrupted @ ", "\(sequence)")
            #expect((try? foundationDecode(String.self, document)) == nil, "\(sequence)")
        }
        let good: [[UInt8]] = [[0xC2, 0x80], [0xDF, 0xBF], [0xE0, 0xA0, 0x80], [0xED, 0x9F, 0xBF], [0xEE, 0x80, 0x80],
                               [0xF0, 0x90, 0x80, 0x80], [0xF4, 0x8F, 0xBF, 0xBF]]
        for sequence in good {
            let document = [0x22] + sequence + [0x22]
            #expect(Array(try JSON.decode(String.self, from: document).utf8) == sequence)
        }
        // Outside strings only ASCII is JSON.
        #expect(throws: DecodingError.self) { try JSON.decode([Int].self, from: [0x5B, 0xC2, 0xA0, 0x31, 0x5D]) }
    }

    @Test func nestingIsCappedAtSixtyFourLevels() throws {
        let deepest = String(repeating: "[", count: 63) + "[1]" + String(repeating: "]", count: 63)
        #expect(try decode(AnyJSON.self, deepest) != .null)
        let tooDeep = "[" + deepest + "]"
        #expect(summary(expectError { try decode(AnyJSON.self, tooDeep) }) == "dataCorrupted @ ")
        let objects = String(repeating: "{\"a\":", count: 65) + "1" + String(repeating: "}", count: 65)
        #expect(summary(expectError { try decode(AnyJSON.self, objects) }) == "dataCorrupted @ ")
        // Far deeper input ends the same way, without exhausting the stack.
        let huge = String(repeating: "[", count: 200_000)
        #expect(summary(expectError { try decode(AnyJSON.self, huge) }) == "dataCorrupted @ ")
    }

    @Test func syntaxErrorsSayWhere() {
        let error = expectError { try decode(W.self, "{\"a\":1,}") }
        guard case DecodingError.dataCorrupted(let context)? = error as? DecodingError else {
            Issue.record("\(error)")
            return
        }
        #expect(context.underlyingError as? JSON.SyntaxError == JSON.SyntaxError(offset: 7, reason: "expected a string key in an object"))
    }

    /// Errors of well-formed JSON: the case and coding path Foundation gives, which we check against it.
    @Test(arguments: [
        ("1", "typeMismatch Dictionary<String, Any> @ "),
        ("null", "valueNotFound Dictionary<String, Any> @ "),
        ("[]", "typeMismatch Dictionary<String, Any> @ "),
        ("\"x\"", "typeMismatch Dictionary<String, Any> @ "),
        ("true", "typeMismatch Dictionary<String, Any> @ "),
        (#"{"a":"1"}"#, "typeMismatch Int @ a"),
        (#"{"a":true}"#, "typeMismatch Int @ a"),
        (#"{"a":null}"#, "valueNotFound Int @ a"),
        (#"{"b":[]}"#, "keyNotFound a @ "),
        (#"{"a":1,"b":[1,"x"]}"#, "typeMismatch Int8 @ b.#1"),
        (#"{"a":1,"b":[null]}"#, "valueNotFound Int8 @ b.#0"),
        (#"{"a":1,"b":{}}"#, "typeMismatch Array<Any> @ b"),
        (#"{"a":1,"b":"[]"}"#, "typeMismatch Array<Any> @ b"),
        (#"{"a":1,"c":5}"#, "typeMismatch String @ c"),
        (#"{"a":1,"c":[]}"#, "typeMismatch String @ c"),
        (#"{"a":1,"b":[1,300]}"#, "dataCorrupted @ "),
        (#"{"a":1.5}"#, "dataCorrupted @ "),
    ])
    func errorsMatchFoundation(_ input: String, _ expected: String) {
        let bytes = Array(input.utf8)
        #expect(outcome(W.self, bytes, with: JSON.decode) == expected)
        #expect(outcome(W.self, bytes, with: foundationDecode) == expected)
    }

    @Test func moreErrorPathsMatchFoundation() {
        #expect(both(Int.self, "null") == "valueNotFound Int @ ")
        #expect(both(Int.self, "\"1\"") == "typeMismatch Int @ ")
        #expect(both(Bool.self, "1") == "typeMismatch Bool @ ")
        #expect(both(String.self, "[]") == "typeMismatch String @ ")
        #expect(both(Double.self, "{}") == "typeMismatch Double @ ")
        #expect(both([Int].self, "null") == "valueNotFound Array<Any> @ ")
        #expect(both([Int].self, "{}") == "typeMismatch Array<Any> @ ")
        #expect(both([String: Int].self, #"{"x":1,"y":"z"}"#) == "typeMismatch Int @ y")
        #expect(both([Int: Int].self, #"{"1":1,"y":2}"#) == "typeMismatch Int @ y")
        #expect(both([W].self, #"[{"a":1},{"b":[]}]"#) == "keyNotFound a @ #1")
        #expect(both([[W]].self, #"[[],[{"a":1},{"a":"2"}]]"#) == "typeMismatch Int @ #1.#1.a")
        #expect(both(Letter.self, "\"y\"") == "dataCorrupted @ ")
        #expect(both([Letter].self, #"["x","y"]"#) == "dataCorrupted @ #1")
        #expect(both(TwoInts.self, "[1]") == "valueNotFound Int @ #1")
        #expect(both(NilTwice.self, "[null]") == "valueNotFound Never @ #1")
        #expect(both(NestedKeyed.self, "{}") == "keyNotFound a @ ")
        #expect(both(NestedKeyed.self, #"{"a":1}"#) == "typeMismatch Dictionary<String, Any> @ a")
        #expect(both(NestedKeyed.self, #"{"a":null}"#) == "valueNotFound Dictionary<String, Any> @ a")
        #expect(both(NestedKeyed.self, #"{"a":{"b":[1,{}]}}"#) == "typeMismatch Int @ a.b.#1")
    }

    @Test func nilAndSuperDecoding() throws {
        #expect(try decode(NilTwice.self, "[null,null]") == NilTwice())
        #expect(try decode(SuperUser.self, "{}") == SuperUser(base: nil, name: nil))
        #expect(try decode(SuperUser.self, #"{"super":4,"name":"n"}"#) == SuperUser(base: 4, name: "n"))
        #expect(try foundationDecode(SuperUser.self, Array(#"{"super":4,"name":"n"}"#.utf8)) == SuperUser(base: 4, name: "n"))
        #expect(try decode(NestedKeyed.self, #"{"a":{"b":[5,6]}}"#) == NestedKeyed(numbers: [5, 6]))
    }
}

/// The error summary when JSON and Foundation agree, or both summaries when they do not.
func both<T: Decodable>(_ type: T.Type, _ input: String) -> String {
    let bytes = Array(input.utf8)
    let ours = outcome(type, bytes, with: { try JSON.decode($0, from: $1) })
    let theirs = outcome(type, bytes, with: foundationDecode)
    return ours == theirs ? ours : "JSON: \(ours); Foundation: \(theirs)"
}

func expectError<T>(sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> T) -> any Error {
    do {
        let value = try body()
        Issue.record("expected an error, got \(value)", sourceLocation: sourceLocation)
        return CancellationError()
    } catch {
        return error
    }
}

struct TwoInts: Decodable, Equatable {
    init(from decoder: any Decoder) throws {
        var list = try decoder.unkeyedContainer()
        _ = try list.decode(Int.self)
        _ = try list.decode(Int.self)
    }
}

struct NilTwice: Decodable, Equatable {
    init() {}
    init(from decoder: any Decoder) throws {
        var list = try decoder.unkeyedContainer()
        guard try list.decodeNil(), try list.decodeNil(), list.isAtEnd else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "not two nulls"))
        }
    }
}

struct NestedKeyed: Decodable, Equatable {
    var numbers: [Int]
    init(numbers: [Int]) { self.numbers = numbers }
    enum Outer: CodingKey { case a }
    enum Inner: CodingKey { case b }
    init(from decoder: any Decoder) throws {
        let outer = try decoder.container(keyedBy: Outer.self)
        let inner = try outer.nestedContainer(keyedBy: Inner.self, forKey: .a)
        var list = try inner.nestedUnkeyedContainer(forKey: .b)
        numbers = []
        while !list.isAtEnd { numbers.append(try list.decode(Int.self)) }
    }
}

struct SuperUser: Decodable, Equatable {
    var base: Int?
    var name: String?
    init(base: Int?, name: String?) { self.base = base; self.name = name }
    enum Keys: CodingKey { case name }
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        base = try Int?(from: c.superDecoder())
        name = try c.decodeIfPresent(String.self, forKey: .name)
    }
}
