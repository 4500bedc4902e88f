import Foundation
import JSON
import Testing
import LimberTestSupport

/// Mutated valid documents: decoding never traps or hangs, only ever fails with a DecodingError,
/// and whatever it accepts Foundation accepts too, with the same value.
@Suite struct Fuzz {
    static let seeds: [[UInt8]] = {
        var docs: [[UInt8]] = [
            #"{"v":1,"cmd":"pause","seconds":3600,"until":"14:30","kind":"posture"}"#,
            #"[1,-2.5e-3,0,"\u00e9\ud83d\ude00\n",true,false,null,{"a":[{}],"b":{"c":[[]]}}]"#,
            #"{"x":18446744073709551615,"y":-9223372036854775808,"z":1e308,"w":"caf\u00e9 \/ \\ \""}"#,
            "\"caf\u{e9} \u{1F600} \u{10FFFF}\"",
        ].map { Array($0.utf8) }
        docs.append((try? JSON.encode(Sink.example)) ?? [])
        return docs
    }()

    @Test func mutatedDocumentsNeverTrap() throws {
        var rng = SeededRandom(seed: 0x11AB_E2D0)
        let alphabet = Array(#"{}[],:"\/-+.eE0123456789 tfnu"#.utf8) + [0x00, 0x0A, 0x7F, 0x80, 0xC3, 0xA9, 0xED, 0xF0, 0xFF]
        var accepted = 0
        for round in 0..<3000 {
            var doc = Self.seeds[round % Self.seeds.count]
            for _ in 0...(Int(rng.next() % 4)) {
                let at = doc.isEmpty ? 0 : Int(rng.next() % UInt64(doc.count))
                switch rng.next() % 6 {
                case 0 where !doc.isEmpty: doc[at] = alphabet[Int(rng.next() % UInt64(alphabet.count))]
                case 1: doc.insert(alphabet[Int(rng.next() % UInt64(alphabet.count))], at: at)
                case 2 where !doc.isEmpty: doc.remove(at: at)
                case 3 where !doc.isEmpty: doc[at] ^= UInt8(truncatingIfNeeded: 1 << (rng.next() % 8))
                case 4: doc = Array(doc[..<at])
                default:
                    let end = min(doc.count, at + Int(rng.next() % 8))
                    doc.insert(contentsOf: doc[at..<end], at: at)
                }
            }
            do {
                let value = try JSON.decode(AnyJSON.self, from: doc)
                accepted += 1
                #expect(try JSON.decode(AnyJSON.self, from: JSON.encode(value)) == value)
                // Foundation's number parsing matches ours for every number that fits a Double.
                #expect(try foundationDecode(AnyJSON.self, doc) == value, "\(text(doc))")
            } catch is DecodingError {
            } catch {
                Issue.record("\(error) is not a DecodingError for \(doc)")
            }
            _ = try? JSON.decode(Sink.self, from: doc)
            _ = try? JSON.decode(W.self, from: doc)
        }
        #expect(accepted > 100, "the mutations should leave a good share of documents valid")
    }
}
