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

/// Parses `text` and returns the root table (the test fails on a parse error).
func parse(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> TOMLTable {
    do {
        return try TOMLDocument(parsing: text).root
    } catch {
        Issue.record("unexpected error \(error.line):\(error.column): \(error.message)", sourceLocation: sourceLocation)
        throw error
    }
}

/// The value of key `v` after parsing `v = <literal>`.
func value(_ literal: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> TOMLValue? {
    try parse("v = " + literal, sourceLocation: sourceLocation)["v"]
}

/// The error `bytes` are rejected with, or nil when they parse.
func parseError(_ bytes: [UInt8]) -> TOMLError? {
    do {
        _ = try TOMLDocument(parsing: bytes)
        return nil
    } catch {
        return error
    }
}

func parseError(_ text: String) -> TOMLError? {
    parseError(Array(text.utf8))
}

func pos(_ line: Int, _ column: Int) -> TOMLPosition {
    TOMLPosition(line: line, column: column)
}

// MARK: Reading the toml-test corpus (../shared/toml-test beside the package)


let corpusRoot = packageRoot + "/../shared/toml-test"

let corpusAvailable = isDirectory(corpusRoot + "/valid") && isDirectory(corpusRoot + "/invalid")

/// Paths of the files under `root` whose names end with `suffix`, sorted.
func files(under root: String, suffix: String) -> [String] {
    var result: [String] = []
    var pending = [root]
    while let folder = pending.popLast() {
        guard let dir = opendir(folder) else { continue }
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name == "." || name == ".." { continue }
            let path = folder + "/" + name
            if isDirectory(path) {
                pending.append(path)
            } else if name.hasSuffix(suffix) {
                result.append(path)
            }
        }
        closedir(dir)
    }
    return result.sorted()
}
