import LimberCore
import Testing
@testable import LimberConfig

/// Loads `text`; the test fails on any diagnostic.
func loaded(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> LimberConfiguration? {
    switch LimberConfiguration.load(text, fileName: "config.toml") {
    case .success(let configuration):
        return configuration
    case .failure(let diagnostics):
        Issue.record("unexpected diagnostics:\n\(diagnostics)", sourceLocation: sourceLocation)
        return nil
    }
}

/// The errors `text` is refused with, as "LINE:COL: MESSAGE" (empty when it loads).
func problems(_ text: String) -> [String] {
    switch LimberConfiguration.load(text, fileName: "config.toml") {
    case .success:
        return []
    case .failure(let diagnostics):
        return diagnostics.errors.map(\.description)
    }
}

/// The one error `text` is refused with; the test fails when there is not exactly one.
func problem(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> String? {
    let found = problems(text)
    guard found.count == 1 else {
        Issue.record("expected one error, got \(found.count): \(found)", sourceLocation: sourceLocation)
        return nil
    }
    return found[0]
}

/// A schedule with `change` applied to the defaults.
func schedule(_ change: (inout ScheduleSettings) -> Void) -> ScheduleSettings {
    var s = ScheduleSettings.defaults
    change(&s)
    return s
}

func span(_ text: String) -> DaySpan {
    let parts = text.split(separator: "-").map { p in p.split(separator: ":").compactMap { Int($0) } }
    return DaySpan(start: parts[0][0] * 3600 + parts[0][1] * 60, end: parts[1][0] * 3600 + parts[1][1] * 60)
}

/// The repository's root, from this file's path.
func repositoryFile(_ relative: String) -> String {
    var parts = String(#filePath).split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)  // Tests/LimberConfigTests/Support.swift
    return parts.joined(separator: "/") + "/" + relative
}

#if canImport(Glibc)
import Glibc
#endif

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
