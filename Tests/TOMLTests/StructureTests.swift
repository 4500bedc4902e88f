import Testing
@testable import TOML

// Keys, tables, arrays, inline tables, arrays of tables, and where everything was written.

@Suite struct KeyTests {
    @Test func bareQuotedAndDottedKeys() throws {
        let table = try parse("""
            key = 1
            bare_key = 2
            bare-key = 3
            1234 = 4
            "127.0.0.1" = 5
            "character encoding" = 6
            "ʎǝʞ" = 7
            'key2' = 8
            'quoted "value"' = 9
            "" = 10
            "\\u00E9" = 11
            """)
        #expect(table.keys == ["key", "bare_key", "bare-key", "1234", "127.0.0.1", "character encoding",
                               "ʎǝʞ", "key2", "quoted \"value\"", "", "é"])
        #expect(table["127.0.0.1"] == .integer(5))
        #expect(table[""] == .integer(10))
    }

    @Test func dottedKeysCreateTables() throws {
        let table = try parse("""
            name = "Orange"
            physical.color = "orange"
            physical.shape = "round"
            site."google.com" = true
            fruit . flavor = "sweet"
            3.14159 = "pi"
            """)
        let physical = try #require(table["physical"]?.tableValue)
        #expect(physical.keys == ["color", "shape"])
        #expect(table["site"]?.tableValue?["google.com"] == .bool(true))
        #expect(table["fruit"]?.tableValue?["flavor"] == .string("sweet"))
        #expect(table["3"]?.tableValue?["14159"] == .string("pi"))
    }

    @Test func keyPositionsCountScalarsNotBytes() throws {
        let table = try parse("\"ключ\" = 1\n\"é\" = \"ü\"\n\tx = 2")
        let cyrillic = try #require(table.entry("ключ"))
        #expect(cyrillic.keyPosition == pos(1, 1))
        #expect(cyrillic.valuePosition == pos(1, 10))
        // Bare keys are ASCII only in TOML 1.0.
        #expect(parseError("ключ = 1")?.column == 1)
        let accented = try #require(table.entry("é"))
        #expect(accented.keyPosition == pos(2, 1))
        #expect(accented.valuePosition == pos(2, 7))
        #expect(table.entry("x")?.keyPosition == pos(3, 2))
    }

    @Test func positionsAfterMultilineStringsCRLFAndBOM() throws {
        let text = "\u{FEFF}a = \"\"\"\r\none\r\ntwo\"\"\"\r\nb = 'x'\r\n  c = [\r\n 1,\r\n   2]\r\n"
        let table = try parse(text)
        #expect(table.entry("a")?.keyPosition == pos(1, 1))
        #expect(table.entry("a")?.valuePosition == pos(1, 5))
        #expect(table.entry("b")?.keyPosition == pos(4, 1))
        #expect(table.entry("b")?.valuePosition == pos(4, 5))
        #expect(table.entry("c")?.keyPosition == pos(5, 3))
        let array = try #require(table["c"]?.arrayValue)
        #expect(array.position == pos(5, 7))
        #expect(array.elements.map(\.position) == [pos(6, 2), pos(7, 4)])
    }
}

@Suite struct TableTests {
    @Test func standardTablesKeepSourceOrder() throws {
        let table = try parse("""
            title = "x"

            [owner]
            name = "Tom"

            [database]
            ports = [ 8000, 8001, 8002 ]
            enabled = true

            [servers.alpha]
            ip = "10.0.0.1"
            """)
        #expect(table.keys == ["title", "owner", "database", "servers"])
        #expect(table["database"]?.tableValue?.keys == ["ports", "enabled"])
        #expect(table["servers"]?.tableValue?["alpha"]?.tableValue?["ip"] == .string("10.0.0.1"))
    }

    @Test func tablePositions() throws {
        let table = try parse("a = 1\n\n  [server]\nport = 80\n[x.y.z]\n")
        let server = try #require(table.entry("server"))
        #expect(server.keyPosition == pos(3, 4))
        #expect(server.valuePosition == pos(3, 3))
        #expect(server.value.tableValue?.position == pos(3, 3))
        // x is implied by [x.y.z]: its position is where the header names it.
        let x = try #require(table.entry("x"))
        #expect(x.keyPosition == pos(5, 2))
        #expect(x.valuePosition == pos(5, 2))
        #expect(table.position == pos(1, 1))
    }

    @Test func implicitTableDefinedLaterMovesToItsHeader() throws {
        let table = try parse("[a.b.c]\nanswer = 42\n\n[a]\nbetter = 43\n")
        let a = try #require(table.entry("a"))
        #expect(a.keyPosition == pos(4, 2))
        #expect(a.valuePosition == pos(4, 1))
        #expect(a.value.tableValue?.keys == ["b", "better"])
    }

    @Test func headerMayDefineSubtablesOfDottedTables() throws {
        let table = try parse("""
            [fruit]
            apple.color = "red"
            apple.taste.sweet = true

            [fruit.apple.texture]
            smooth = true
            """)
        let apple = try #require(table["fruit"]?.tableValue?["apple"]?.tableValue)
        #expect(apple.keys == ["color", "taste", "texture"])
        #expect(apple["texture"]?.tableValue?["smooth"] == .bool(true))
    }

    @Test func dottedKeysMayPassThroughTablesImpliedByHeaders() throws {
        // a.b is only implied by [a.b.c], so the [a] section may add to it with a dotted key.
        let table = try parse("[a.b.c]\nz = 9\n[a]\nb.d = 1\n")
        let b = try #require(table["a"]?.tableValue?["b"]?.tableValue)
        #expect(b.keys == ["c", "d"])
        // ...after which a header can no longer define [a.b].
        #expect(parseError("[a.b.c]\n[a]\nb.d = 1\n[a.b]")?.message
                == "table [a.b] was already created by dotted keys (line 1); a header cannot reopen it")
    }

    @Test func emptyAndWhitespaceInHeaders() throws {
        let table = try parse("[ j . \"ʞ\" . 'l' ]\n[\"\"]\n[a]\n[a.'']\n")
        #expect(table["j"]?.tableValue?["ʞ"]?.tableValue?["l"]?.tableValue?.isEmpty == true)
        #expect(table[""]?.tableValue?.isEmpty == true)
        #expect(table["a"]?.tableValue?.keys == [""])
    }
}

@Suite struct ArrayTests {
    @Test func arraysMixTypesAndAllowTrailingCommasCommentsAndNewlines() throws {
        let table = try parse("""
            integers = [ 1, 2, 3 ]
            mixed = [ 0.1, "x", 1979-05-27, [1, 2], { a = 1 } ]
            nested = [ [ 1, 2 ], ["a", 'b'] ]
            spread = [   # comment
              1,
              # another comment
              2,   # trailing comma next
            ]
            empty = [ ]
            empty_with_comment = [ # nothing
            ]
            """)
        #expect(table["integers"]?.arrayValue?.values == [.integer(1), .integer(2), .integer(3)])
        let mixed = try #require(table["mixed"]?.arrayValue)
        #expect(mixed.count == 5)
        #expect(mixed[1].value == .string("x"))
        #expect(mixed[4].value.tableValue?["a"] == .integer(1))
        #expect(mixed.isArrayOfTables == false)
        #expect(table["nested"]?.arrayValue?[1].value.arrayValue?.values == [.string("a"), .string("b")])
        #expect(table["spread"]?.arrayValue?.values == [.integer(1), .integer(2)])
        #expect(table["spread"]?.arrayValue?.elements.map(\.position) == [pos(5, 3), pos(7, 3)])
        #expect(table["empty"]?.arrayValue?.isEmpty == true)
        #expect(table["empty_with_comment"]?.arrayValue?.isEmpty == true)
    }

    @Test func arraysOfTables() throws {
        let table = try parse("""
            [[products]]
            name = "Hammer"

            [[products]]  # empty element

            [[products]]
            name = "Nail"
            color = "gray"
            """)
        let products = try #require(table["products"]?.arrayValue)
        #expect(products.isArrayOfTables)
        #expect(products.count == 3)
        #expect(products.position == pos(1, 1))
        #expect(products.elements.map(\.position) == [pos(1, 1), pos(4, 1), pos(6, 1)])
        #expect(products[1].value.tableValue?.isEmpty == true)
        #expect(products[2].value.tableValue?.keys == ["name", "color"])
        #expect(table.entry("products")?.value.typeDescription == "an array of tables")
    }

    @Test func nestedArraysOfTablesAttachToTheLastElement() throws {
        let table = try parse("""
            [[fruits]]
            name = "apple"
            [fruits.physical]
            color = "red"
            [[fruits.varieties]]
            name = "red delicious"
            [[fruits.varieties]]
            name = "granny smith"
            [[fruits]]
            name = "banana"
            [[fruits.varieties]]
            name = "plantain"
            """)
        let fruits = try #require(table["fruits"]?.arrayValue)
        #expect(fruits.count == 2)
        let apple = try #require(fruits[0].value.tableValue)
        #expect(apple.keys == ["name", "physical", "varieties"])
        #expect(apple["varieties"]?.arrayValue?.count == 2)
        #expect(fruits[1].value.tableValue?["varieties"]?.arrayValue?[0].value.tableValue?["name"]
                == .string("plantain"))
    }
}

@Suite struct InlineTableTests {
    @Test func inlineTables() throws {
        let table = try parse("""
            name = { first = "Tom", last = "Preston-Werner" }
            point = {x=1,y=2}
            animal = { type.name = "pug", type.size = "small" }
            nested = { a = { b = [ { c = 1 } ] } }
            empty = {}
            """)
        #expect(table["name"]?.tableValue?.keys == ["first", "last"])
        #expect(table["point"]?.tableValue?["y"] == .integer(2))
        #expect(table["animal"]?.tableValue?["type"]?.tableValue?.keys == ["name", "size"])
        #expect(table["nested"]?.tableValue?["a"]?.tableValue?["b"]?.arrayValue?[0].value.tableValue?["c"] == .integer(1))
        #expect(table["empty"]?.tableValue?.isEmpty == true)
        #expect(table.entry("point")?.valuePosition == pos(2, 9))
        #expect(table["point"]?.tableValue?.position == pos(2, 9))
        #expect(table["point"]?.tableValue?.entry("y")?.keyPosition == pos(2, 14))
    }

    @Test func valuesInsideInlineTablesMaySpanLines() throws {
        let table = try parse("t = { a = [\n 1,\n 2 ], s = \"\"\"x\ny\"\"\" }")
        #expect(table["t"]?.tableValue?["a"]?.arrayValue?.count == 2)
        #expect(table["t"]?.tableValue?["s"] == .string("x\ny"))
    }
}

@Suite struct ModelTests {
    @Test func tableLookupUsesAnIndexForLargeTables() throws {
        var text = ""
        for n in 0..<200 { text += "k\(n) = \(n)\n" }
        let table = try parse(text)
        #expect(table.count == 200)
        #expect(table["k0"] == .integer(0))
        #expect(table["k150"] == .integer(150))
        #expect(table["k200"] == nil)
        #expect(table.entry("k199")?.keyPosition == pos(200, 1))
    }

    @Test func publicInitializerIgnoresDuplicateKeys() {
        let p = pos(1, 1)
        var entries: [TOMLEntry] = []
        for n in 0..<30 {
            entries.append(TOMLEntry(key: "k\(n % 20)", keyPosition: p, value: .integer(Int64(n)), valuePosition: p))
        }
        let table = TOMLTable(entries: entries)
        #expect(table.count == 20)
        #expect(table["k5"] == .integer(5))
        #expect(table["k19"] == .integer(19))
    }

    @Test func accessorsAndTypeDescriptions() throws {
        let table = try parse("s = 'x'\ni = 1\nf = 1.5\nb = true\nd = 1979-05-27\nt = 07:00:00\nl = 1979-05-27T07:00:00\no = 1979-05-27T07:00:00Z\na = []\nh = {}")
        #expect(table["s"]?.stringValue == "x")
        #expect(table["i"]?.integerValue == 1)
        #expect(table["i"]?.floatValue == nil)
        #expect(table["f"]?.floatValue == 1.5)
        #expect(table["b"]?.boolValue == true)
        #expect(table.entries.map(\.value.typeDescription) == [
            "a string", "an integer", "a float", "a boolean", "a local date", "a local time",
            "a local date-time", "an offset date-time", "an array", "a table",
        ])
        #expect(pos(2, 3).description == "2:3")
        #expect(pos(1, 9) < pos(2, 1))
    }

    @Test func documentsFromBytesAndStringsAreEqual() throws {
        let text = "a = 1\n[b]\nc = \"é\"\n"
        let fromString = try TOMLDocument(parsing: text)
        let fromBytes = try TOMLDocument(parsing: Array(text.utf8))
        let fromSlice = try TOMLDocument(parsing: Array(text.utf8)[...])
        let fromView = try TOMLDocument(parsing: text.utf8)
        #expect(fromString == fromBytes)
        #expect(fromBytes == fromSlice)
        #expect(fromSlice == fromView)
        #expect(fromView.root["b"]?.tableValue?["c"] == .string("é"))
    }

    @Test func emptyDocuments() throws {
        #expect(try parse("").isEmpty)
        #expect(try parse("\u{FEFF}").isEmpty)
        #expect(try parse("# only a comment").isEmpty)
        #expect(try parse("\r\n\t \n").isEmpty)
    }
}
