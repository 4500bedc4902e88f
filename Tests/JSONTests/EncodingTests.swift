import Foundation
import JSON
import Testing
import LimberTestSupport

@Suite struct Encoding {
    func encoded<T: Encodable>(_ value: T) throws -> String { text(try JSON.encode(value)) }

    @Test func everyTypeMatchesFoundationByteForByte() throws {
        let ours = try JSON.encode(Sink.example)
        // The one difference: DEL is escaped (see stringsEscapeWhatATerminalWouldActOn).
        #expect(text(ours) == text(try foundationEncode(Sink.example)).replacingOccurrences(of: "\u{7f}", with: "\\u007f"))
        #expect(try JSON.decode(Sink.self, from: ours) == Sink.example)
    }

    @Test func theOutputIsCompactWithSortedKeys() throws {
        #expect(try encoded(Child(name: "n", tags: ["a"])) == #"{"name":"n","tags":["a"]}"#)
        // Byte order of UTF-8: upper case before lower case, shorter prefix first, non-ASCII last.
        let keys = ["a": 1, "B": 2, "_": 3, "\u{e9}": 4, "z": 5, "aa": 6, "a_b": 7, "Z": 8, "\u{1}": 9,
                    "\u{fc}": 10, "\u{1F600}": 12, "\u{FB00}": 13, "10": 14, "9": 15, "": 16]
        let expected = #"{"":16,"\u0001":9,"10":14,"9":15,"B":2,"Z":8,"_":3,"a":1,"a_b":7,"aa":6,"z":5,"é":4,"ü":10,"ﬀ":13,"😀":12}"#
        #expect(try encoded(keys) == expected)
        #expect(try encoded(keys) == text(try foundationEncode(keys)))
        #expect(try encoded([10: "x", 9: "y"]) == #"{"10":"x","9":"y"}"#)
    }

    @Test func stringsEscapeExactlyWhatFoundationEscapes() throws {
        var all = ""
        for scalar in (0...0x7E).compactMap(Unicode.Scalar.init) { all.unicodeScalars.append(scalar) }
        all += "\u{A0}\u{e9}\u{2028}\u{2029}\u{2029}\u{202F}\u{2065}\u{206A}\u{FEFF}\u{FFFF}\u{10FFFF}\u{1F600}"
        #expect(try encoded(all) == text(try foundationEncode(all)))

        #expect(try encoded("\"\\/\u{8}\u{c}\n\r\t") == #""\"\\/\b\f\n\r\t""#)
        #expect(try encoded("\u{0}\u{1}\u{b}\u{e}\u{1a}\u{1f}") == #""\u0000\u0001\u000b\u000e\u001a\u001f""#)
        #expect(try encoded("\u{7e} \u{e9} \u{1F600}") == "\"\u{7e} \u{e9} \u{1F600}\"")
        #expect(try encoded("a/b") == #""a/b""#)
        // Keys are escaped the same way.
        #expect(try encoded(["\"\n/": 1]) == #"{"\"\n/":1}"#)
    }

    @Test func stringsEscapeWhatATerminalWouldActOn() throws {
        // DEL, every C1 control and the bidirectional overrides and isolates: JSON allows them
        // raw, but `limber status --json | jq -r` would hand them to the terminal.
        #expect(try encoded("a\u{7f}b") == #""a\u007fb""#)
        #expect(try encoded("\u{80}\u{85}\u{9b}2J\u{9d}0;x\u{9c}\u{9f}") == #""\u0080\u0085\u009b2J\u009d0;x\u009c\u009f""#)
        #expect(try encoded("\u{202a}\u{202e}evil\u{2066}\u{2069}") == #""\u202a\u202eevil\u2066\u2069""#)
        // Their neighbours are written as they are.
        #expect(try encoded("\u{7e}\u{a0}\u{e9}\u{2029}\u{202f}\u{2065}\u{206a}") == "\"\u{7e}\u{a0}\u{e9}\u{2029}\u{202f}\u{2065}\u{206a}\"")
        // Keys too, and the text reads back the same.
        #expect(try encoded(["k\u{7f}\u{9b}": "v"]) == #"{"k\u007f\u009b":"v"}"#)
        let nasty = "x\u{7f}\u{80}\u{9f}\u{202e}\u{1b}]52;c;\u{7}y"
        #expect(try JSON.decode(String.self, from: try JSON.encode(nasty)) == nasty)
        #expect(try JSONDecoder().decode(String.self, from: Data(try JSON.encode(nasty))) == nasty)
        #expect(JSON.quoted("a\u{85}\"") == #""a\u0085\"""#)
    }

    @Test func integersOfEveryWidthAtTheirLimits() throws {
        func check<T: FixedWidthInteger & Codable>(_ type: T.Type) throws {
            let values = [T.min, T.max, 0, 1, T.max / 3]
            #expect(try encoded(values) == "[" + values.map { "\($0)" }.joined(separator: ",") + "]")
            #expect(try encoded(values) == text(try foundationEncode(values)))
            let back = try JSON.decode([T].self, from: try JSON.encode(values))
            #expect(back == values)
        }
        try check(Int.self); try check(Int8.self); try check(Int16.self); try check(Int32.self); try check(Int64.self)
        try check(UInt.self); try check(UInt8.self); try check(UInt16.self); try check(UInt32.self); try check(UInt64.self)
        #expect(try encoded(UInt64.max) == "18446744073709551615")
        let wide: [Int128] = [Int128.min, Int128.max]
        #expect(try encoded(wide) == "[-170141183460469231731687303715884105728,170141183460469231731687303715884105727]")
        #expect(try JSON.decode([Int128].self, from: try JSON.encode(wide)) == wide)
        #expect(try JSON.decode([UInt128].self, from: try JSON.encode([UInt128.max])) == [UInt128.max])
    }

    @Test func floatingPointIsTheShortestRoundTripText() throws {
        let doubles: [Double] = [0, -0.0, 1, -1, 0.1, 0.2 + 0.1, 1e20, 1e-7, 1e16, 1e15, 100, 123456789012345680,
                                 .leastNonzeroMagnitude, 2.2250738585072014e-308, 1.7976931348623157e308, -1234.5e-7, .pi]
        #expect(try encoded(doubles) == text(try foundationEncode(doubles)))
        #expect(try encoded([1.0, 0.1, -0.0, 1e20, 1e-7, 1e16, 1e15]) == "[1,0.1,-0,1e+20,1e-07,1e+16,1000000000000000]")
        let floats: [Float] = [0, 1, 0.1, 1e20, 3.4028235e38, 1e-7, .leastNonzeroMagnitude, .pi]
        #expect(try encoded(floats) == text(try foundationEncode(floats)))
        #expect(try encoded([Float(0.1), 3.4028235e38]) == "[0.1,3.4028235e+38]")

        var rng = SeededRandom(seed: 7)
        for _ in 0..<2000 {
            let d = Double(bitPattern: rng.next())
            guard d.isFinite else { continue }
            let bytes = try JSON.encode(d)
            #expect(text(bytes) == text(try foundationEncode(d)))
            #expect(try JSON.decode(Double.self, from: bytes).bitPattern == d.bitPattern)
            let f = Float(bitPattern: UInt32(truncatingIfNeeded: rng.next()))
            guard f.isFinite else { continue }
            #expect(try JSON.decode(Float.self, from: try JSON.encode(f)).bitPattern == f.bitPattern)
        }
    }

    @Test(arguments: [Double.nan, .infinity, -.infinity])
    func nonFiniteNumbersAreRefused(_ x: Double) {
        struct Holder: Encodable { var x: [Double] }
        #expect {
            try JSON.encode(Holder(x: [1, x]))
        } throws: { error in
            guard case EncodingError.invalidValue(_, let context) = error else { return false }
            return pathText(context.codingPath) == "x.#1"
        }
        #expect(throws: EncodingError.self) { try JSON.encode(Float(x)) }
    }

    struct Optionals: Encodable {
        var a: Int?
        var b: String?
        enum CodingKeys: CodingKey { case a, b, c }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(a, forKey: .a)             // writes null
            try c.encodeIfPresent(b, forKey: .b)    // omits nil
            try c.encodeNil(forKey: .c)
        }
    }

    @Test func nilIsNullWhenEncodedAndAbsentWhenEncodedIfPresent() throws {
        #expect(try encoded(Optionals(a: nil, b: nil)) == #"{"a":null,"c":null}"#)
        #expect(try encoded(Optionals(a: 1, b: "x")) == #"{"a":1,"b":"x","c":null}"#)
        #expect(try encoded([1, nil, 3] as [Int?]) == "[1,null,3]")
        #expect(try encoded(Int?.none) == "null")
        #expect(try encoded(Optionals(a: nil, b: nil)) == text(try foundationEncode(Optionals(a: nil, b: nil))))
    }

    struct Nothing: Encodable { func encode(to encoder: any Encoder) throws {} }

    @Test func aValueThatEncodesNothing() throws {
        #expect(throws: EncodingError.self) { try JSON.encode(Nothing()) }
        #expect(try encoded([Nothing()]) == "[{}]")
        #expect(try encoded(["k": Nothing()]) == #"{"k":{}}"#)
    }

    /// Nested containers, super encoders and a container asked for twice.
    struct Shapes: Encodable {
        enum Outer: String, CodingKey { case list, point, z }
        enum Inner: String, CodingKey { case x, y }
        func encode(to encoder: any Encoder) throws {
            var outer = encoder.container(keyedBy: Outer.self)
            var point = outer.nestedContainer(keyedBy: Inner.self, forKey: .point)
            try point.encode(1, forKey: .x)
            var list = outer.nestedUnkeyedContainer(forKey: .list)
            try list.encode("first")
            var pair = list.nestedUnkeyedContainer()
            try pair.encode(true)
            try pair.encodeNil()
            var inList = list.nestedContainer(keyedBy: Inner.self)
            try inList.encode(2.5, forKey: .y)
            try Child(name: "sup", tags: nil).encode(to: list.superEncoder())
            try 7.encode(to: outer.superEncoder())
            _ = outer.superEncoder(forKey: .z)
            try point.encode(-1, forKey: .y)         // after the parent moved on
            var again = encoder.container(keyedBy: Inner.self)
            try again.encode(0, forKey: .x)
        }
    }

    @Test func nestedContainersAndSuperEncoders() throws {
        let expected = #"{"list":["first",[true,null],{"y":2.5},{"name":"sup"}],"point":{"x":1,"y":-1},"super":7,"x":0,"z":{}}"#
        #expect(try encoded(Shapes()) == expected)
        #expect(try encoded(Shapes()) == text(try foundationEncode(Shapes())))
    }
}
