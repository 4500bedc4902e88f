import JSON
import Testing

struct Report: Codable, Equatable {
    var name: String
    @Nullable var until: Int64?
    @Nullable var note: String?
    var plain: Int?
}

@Suite struct NullableTests {
    @Test func nilIsWrittenAsNullWherePlainOptionalsAreLeftOut() throws {
        let r = Report(name: "a", until: nil, note: nil, plain: nil)
        #expect(String(decoding: try JSON.encode(r), as: UTF8.self) == #"{"name":"a","note":null,"until":null}"#)
        let full = Report(name: "a", until: 5, note: "x", plain: 1)
        #expect(String(decoding: try JSON.encode(full), as: UTF8.self) == #"{"name":"a","note":"x","plain":1,"until":5}"#)
    }

    @Test func nullAndMissingKeysDecodeToNil() throws {
        #expect(try JSON.decode(Report.self, from: Array(#"{"name":"a","until":null}"#.utf8))
                == Report(name: "a", until: nil, note: nil, plain: nil))
        #expect(try JSON.decode(Report.self, from: Array(#"{"name":"a","until":7,"note":"n"}"#.utf8))
                == Report(name: "a", until: 7, note: "n", plain: nil))
    }

    @Test func aWrongTypeIsStillAnError() {
        #expect(throws: DecodingError.self) {
            try JSON.decode(Report.self, from: Array(#"{"name":"a","until":"soon"}"#.utf8))
        }
    }
}
