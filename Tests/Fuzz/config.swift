// libFuzzer harness: the configuration schema and its write-back. A file that loads is
// written back as TOML ('limber config show'), which must load to the same settings and be
// written back the same; a file that does not load gets bounded, positioned diagnostics.
import LimberConfig

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    switch LimberConfiguration.load(bytes, fileName: "config.toml") {
    case .success(let configuration):
        let text = configuration.tomlText()
        guard case .success(let again) = LimberConfiguration.load(text, fileName: "written.toml") else {
            preconditionFailure("the written-back file does not load:\n\(text)")
        }
        precondition(again == configuration, "the written-back file loads to other settings:\n\(text)")
        precondition(again.tomlText() == text, "writing back twice differs")
    case .failure(let diagnostics):
        precondition(diagnostics.count >= 1)
        let rendered = diagnostics.rendered
        precondition(rendered.count <= ConfigDiagnostics.shownLimit + 1)
        for r in rendered { precondition(r.utf8.count < 64 * 1024, "one diagnostic is bounded") }
    }
    return 0
}
