import Testing
@testable import TOML

import LimberTestSupport
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// No input may trap or hang: the toml-test corpus in-process, and a seeded mutation fuzzer.

/// Checks what must hold for any input: errors point inside the input and render; documents
/// compare equal to a second parse of the same bytes.
func checkInvariants(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) {
    do {
        let first = try TOMLDocument(parsing: bytes)
        let second = try TOMLDocument(parsing: bytes)
        if !containsNaN(first.root) {
            #expect(first == second, sourceLocation: sourceLocation)
        }
    } catch {
        let lines = bytes.reduce(1) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
        #expect(error.line >= 1 && error.line <= lines, "line \(error.line) of \(lines)", sourceLocation: sourceLocation)
        #expect(error.column >= 1 && error.column <= bytes.count + 1, sourceLocation: sourceLocation)
        #expect(!error.message.isEmpty, sourceLocation: sourceLocation)
        #expect(error.rendered(fileName: "f").split(separator: "\n", omittingEmptySubsequences: false).count == 3,
                sourceLocation: sourceLocation)
    }
}

func containsNaN(_ table: TOMLTable) -> Bool {
    table.entries.contains { containsNaN($0.value) }
}

func containsNaN(_ value: TOMLValue) -> Bool {
    switch value {
    case .float(let d): d.isNaN
    case .array(let a): a.elements.contains { containsNaN($0.value) }
    case .table(let t): containsNaN(t)
    default: false
    }
}

let builtInSeeds: [String] = [
    """
    # limber configuration
    [work]
    hours = { start = 09:00:00, end = 17:30:00 }
    days = ["mon", "tue", "wed", "thu", "fri"]
    posture.every = 35
    posture.jitter = 0.25

    [[routine]]
    name = "Upper back"
    steps = [ { do = "shoulder rolls", seconds = 30 }, { do = "chin tucks", reps = 10 } ]
    """,
    "a = \"\"\"\\\n  multi \\u00E9 \\U0001F600\"\"\"\nb = '''lit\r\n'''\nc = 'x'\n\"d e\".'f' = -0x0\n",
    "int = [+1_000, -0, 0o17, 0b1, 0xFF]\nflt = [1e10, -2.5E-3, inf, -nan, 6.02e+23, 0.0]\n",
    "dt = [1979-05-27T07:32:00Z, 1979-05-27 07:32:00.123+05:30, 1979-05-27, 07:32:00.9]\n",
    "[a.b.c]\nx = 1\n[a]\nb.d = 2\n[a.e]\n[[a.f]]\n[[a.f]]\ng = { h.i = [[1], [2, [3]]] }\n",
    "\u{FEFF}key = \"value\" # comment\r\n[\"quoted\"]\r\n'literal' = true\r\n",
]

@Suite struct RobustnessTests {
    @Test(.enabled(if: corpusAvailable, "needs ../shared/toml-test beside the package"))
    func corpusAcceptsValidAndRejectsInvalid() throws {
        let valid = files(under: corpusRoot + "/valid", suffix: ".toml")
        let invalid = files(under: corpusRoot + "/invalid", suffix: ".toml")
        #expect(valid.count > 100 && invalid.count > 300)
        for path in valid {
            let bytes = try #require(readFile(path))
            do {
                _ = try TOMLDocument(parsing: bytes)
            } catch {
                Issue.record("\(path): rejected: \(error)")
            }
        }
        for path in invalid {
            let bytes = try #require(readFile(path))
            #expect(parseError(bytes) != nil, "\(path): accepted")
            checkInvariants(bytes)
        }
    }

    /// A quick mutation fuzzer with a fixed seed. LIMBER_FUZZ_ITERATIONS=N runs longer and
    /// LIMBER_FUZZ_SEED=S explores other mutations.
    @Test func mutatedInputsNeverTrap() throws {
        var seeds = builtInSeeds.map { Array($0.utf8) }
        if corpusAvailable {
            for path in files(under: corpusRoot, suffix: ".toml") {
                if let bytes = readFile(path), bytes.count < 2000 { seeds.append(bytes) }
            }
        }
        let iterations = getenv("LIMBER_FUZZ_ITERATIONS").flatMap { Int(String(cString: $0)) } ?? 3000
        let interesting: [UInt8] = Array("[]{}\"'=.,#\\\n\r\t u0_e+-:TZ1x".utf8) + [0x00, 0x7F, 0x80, 0xC3, 0xE2, 0xFF]
        let seed = getenv("LIMBER_FUZZ_SEED").flatMap { UInt64(String(cString: $0)) } ?? 0x5EED
        var random = SeededRandom(seed: seed)
        for _ in 0..<iterations {
            var input = seeds[Int(random.next() % UInt64(seeds.count))]
            for _ in 0..<(1 + Int(random.next() % 4)) {
                let at = input.isEmpty ? 0 : Int(random.next() % UInt64(input.count))
                switch random.next() % 6 {
                case 0 where !input.isEmpty:
                    input[at] = interesting[Int(random.next() % UInt64(interesting.count))]
                case 1:
                    input.insert(interesting[Int(random.next() % UInt64(interesting.count))], at: at)
                case 2 where !input.isEmpty:
                    input.removeSubrange(at..<min(input.count, at + 1 + Int(random.next() % 8)))
                case 3 where !input.isEmpty:
                    let end = min(input.count, at + 1 + Int(random.next() % 16))
                    input.insert(contentsOf: input[at..<end], at: at)
                case 4:
                    let other = seeds[Int(random.next() % UInt64(seeds.count))]
                    if !other.isEmpty {
                        let from = Int(random.next() % UInt64(other.count))
                        input.insert(contentsOf: other[from..<min(other.count, from + 24)], at: at)
                    }
                default:
                    if !input.isEmpty { input[at] ^= UInt8(truncatingIfNeeded: 1 << (random.next() % 8)) }
                }
            }
            checkInvariants(input)
        }
    }

    @Test func pathologicalInputsStayLinear() throws {
        // A long single-line array: positions are counted incrementally, not from the line start.
        let count = 20_000
        let text = "v = [" + (0..<count).map(String.init).joined(separator: ",") + "]"
        let array = try #require(try parse(text)["v"]?.arrayValue)
        #expect(array.count == count)
        #expect(array.elements.last?.position.column == text.utf8.count - 5)
        // Many sibling tables and many keys in one table.
        var tables = ""
        for n in 0..<3000 { tables += "[t.n\(n)]\nk = \(n)\n" }
        #expect(try parse(tables)["t"]?.tableValue?.count == 3000)
        // Long runs of brackets, quotes and backslashes are rejected without deep recursion.
        #expect(parseError(String(repeating: "[", count: 100_000)) != nil)
        #expect(parseError("a = " + String(repeating: "[", count: 100_000)) != nil)
        #expect(parseError("a = " + String(repeating: "{a=", count: 50_000)) != nil)
        #expect(parseError("a = \"\"\"" + String(repeating: "\"", count: 10_000)) != nil)
        #expect(try value("\"" + String(repeating: "\\\\", count: 10_000) + "\"")?.stringValue?.count == 10_000)
    }
}
