import LimberCore
import Testing
@testable import LimberConfig
import LimberTestSupport

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

#if canImport(Glibc)
import Glibc
#endif
