import LimberCatalog
import LimberConfig
import Testing
import LimberTestSupport
#if canImport(Glibc)
import Glibc
#endif

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
