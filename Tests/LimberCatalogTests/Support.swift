import LimberCatalog
import LimberConfig
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The repository's root, from this file's path.
func repositoryFile(_ relative: String) -> String {
    var parts = String(#filePath).split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)  // Tests/LimberCatalogTests/Support.swift
    return parts.joined(separator: "/") + "/" + relative
}

/// The whole file at `path`, or nil when it cannot be read.
func readFile(_ path: String) -> [UInt8]? {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var data: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n <= 0 { return n == 0 ? data : nil }
        data.append(contentsOf: chunk[0..<n])
    }
}

/// The built-in catalog; the test fails when it does not load.
func builtIn(sourceLocation: SourceLocation = #_sourceLocation) -> Catalog {
    switch BuiltInCatalog.load() {
    case .success(let c): return c
    case .failure(let d):
        Issue.record("the built-in catalog has errors:\n\(d)", sourceLocation: sourceLocation)
        return Catalog()
    }
}

/// The errors a config text is refused with, as "LINE:COL: MESSAGE" (empty when it loads).
func configProblems(_ text: String) -> [String] {
    switch LimberConfiguration.load(text, fileName: "config.toml") {
    case .success: return []
    case .failure(let d): return d.errors.map(\.description)
    }
}

/// The configuration a text loads to; the test fails on any diagnostic.
func configLoaded(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> LimberConfiguration? {
    switch LimberConfiguration.load(text, fileName: "config.toml") {
    case .success(let c): return c
    case .failure(let d):
        Issue.record("unexpected diagnostics:\n\(d)", sourceLocation: sourceLocation)
        return nil
    }
}

/// The errors a catalog text is refused with.
func catalogProblems(_ text: String) -> [String] {
    switch BuiltInCatalog.load(text, fileName: "catalog.toml") {
    case .success: return []
    case .failure(let d): return d.errors.map(\.description)
    }
}
