// limber-toml-decode: the toml-test decoder interface for the TOML module.
//
//   limber-toml-decode < file.toml        valid: tagged JSON on stdout, exit 0
//                                          invalid: the rendered error on stderr, exit 1
//   limber-toml-decode --bench FILE [--repeat N]
//                                          benchmark mode: parse FILE N times (default 15)
//                                          and print the median parse time; no JSON

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import TOML

/// Reads everything from a file descriptor.
func readAll(_ fd: Int32) -> [UInt8]? {
    var data: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n == 0 { return data }
        if n < 0 {
            if errno == EINTR { continue }
            return nil
        }
        data.append(contentsOf: chunk[0..<n])
    }
}

func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
    var offset = 0
    while offset < bytes.count {
        let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
        if n < 0 {
            if errno == EINTR { continue }
            return
        }
        offset += n
    }
}

func writeError(_ text: String) {
    writeAll(2, Array((text + "\n").utf8))
}

// MARK: Tagged JSON

struct JSONWriter {
    var out: [UInt8] = []

    mutating func raw(_ text: String) {
        out.append(contentsOf: text.utf8)
    }

    mutating func string(_ text: String) {
        out.append(UInt8(ascii: "\""))
        for b in text.utf8 {
            switch b {
            case UInt8(ascii: "\""): raw("\\\"")
            case UInt8(ascii: "\\"): raw("\\\\")
            case 0x0A: raw("\\n")
            case 0x0D: raw("\\r")
            case 0x09: raw("\\t")
            case 0x08: raw("\\b")
            case 0x0C: raw("\\f")
            case 0..<0x20:
                let digits = Array("0123456789abcdef".utf8)
                raw("\\u00")
                out.append(digits[Int(b >> 4)])
                out.append(digits[Int(b & 0xF)])
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    mutating func leaf(_ type: String, _ value: String) {
        raw("{\"type\":\"\(type)\",\"value\":")
        string(value)
        raw("}")
    }

    mutating func value(_ value: TOMLValue) {
        switch value {
        case .string(let s): leaf("string", s)
        case .integer(let n): leaf("integer", String(n))
        case .float(let d):
            leaf("float", d.isNaN ? "nan" : d.isInfinite ? (d < 0 ? "-inf" : "inf") : d.description)
        case .bool(let b): leaf("bool", b ? "true" : "false")
        case .offsetDateTime(let t): leaf("datetime", t.description)
        case .localDateTime(let t): leaf("datetime-local", t.description)
        case .localDate(let t): leaf("date-local", t.description)
        case .localTime(let t): leaf("time-local", t.description)
        case .array(let array):
            raw("[")
            for (n, element) in array.elements.enumerated() {
                if n > 0 { raw(",") }
                self.value(element.value)
            }
            raw("]")
        case .table(let table):
            self.table(table)
        }
    }

    mutating func table(_ table: TOMLTable) {
        raw("{")
        for (n, entry) in table.entries.enumerated() {
            if n > 0 { raw(",") }
            string(entry.key)
            raw(":")
            value(entry.value)
        }
        raw("}")
    }
}

// MARK: Benchmark mode

func monotonicNanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

func milliseconds(_ nanoseconds: UInt64) -> String {
    let micro = (nanoseconds + 500) / 1000
    let fraction = String(micro % 1000)
    return "\(micro / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
}

func bench(_ arguments: [String]) -> Int32 {
    var path: String?
    var repeats = 15
    var k = 0
    while k < arguments.count {
        switch arguments[k] {
        case "--bench" where k + 1 < arguments.count:
            path = arguments[k + 1]
            k += 2
        case "--repeat" where k + 1 < arguments.count:
            guard let n = Int(arguments[k + 1]), n > 0 else {
                writeError("limber-toml-decode: --repeat needs a positive number")
                return 2
            }
            repeats = n
            k += 2
        default:
            writeError("usage: limber-toml-decode < FILE.toml\n       limber-toml-decode --bench FILE [--repeat N]")
            return 2
        }
    }
    guard let path else {
        writeError("usage: limber-toml-decode --bench FILE [--repeat N]")
        return 2
    }
    let fd = open(path, O_RDONLY)
    guard fd >= 0, let bytes = readAll(fd) else {
        writeError("limber-toml-decode: cannot read \(path)")
        return 2
    }
    close(fd)
    do {
        _ = try TOMLDocument(parsing: bytes)  // warm-up, and fail early on invalid input
    } catch {
        writeError(error.rendered(fileName: path))
        return 1
    }
    var times: [UInt64] = []
    var keys = 0
    for _ in 0..<repeats {
        let start = monotonicNanoseconds()
        let document = try? TOMLDocument(parsing: bytes)
        times.append(monotonicNanoseconds() - start)
        keys &+= document?.root.count ?? 0
    }
    times.sort()
    let median = times.count % 2 == 1 ? times[times.count / 2]
        : (times[times.count / 2 - 1] + times[times.count / 2]) / 2
    print("\(path): \(bytes.count) bytes, \(repeats) runs, median \(milliseconds(median)) ms, "
          + "min \(milliseconds(times[0])) ms, max \(milliseconds(times[times.count - 1])) ms")
    return keys >= 0 ? 0 : 1
}

// MARK: Main

let arguments = Array(CommandLine.arguments.dropFirst())
if !arguments.isEmpty {
    exit(bench(arguments))
}
guard let input = readAll(0) else {
    writeError("limber-toml-decode: cannot read standard input")
    exit(2)
}
do {
    let document = try TOMLDocument(parsing: input)
    var writer = JSONWriter()
    writer.table(document.root)
    writer.out.append(UInt8(ascii: "\n"))
    writeAll(1, writer.out)
    exit(0)
} catch {
    writeError(error.rendered(fileName: "<stdin>"))
    exit(1)
}
