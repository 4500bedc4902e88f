// libFuzzer harness: the TOML parser. Any input either parses or fails with a position
// inside the input; neither crashes, and rendering the error stays bounded.
import TOML

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    do {
        _ = try TOMLDocument(parsing: bytes)
    } catch {
        let lines = bytes.reduce(1) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
        precondition(error.line >= 1 && error.line <= lines + 1, "error line \(error.line) outside the input")
        precondition(error.column >= 1, "error column \(error.column)")
        let rendered = error.rendered(fileName: "f.toml")
        precondition(rendered.utf8.count < 4096 + error.message.utf8.count * 2, "rendering is bounded")
        // At most 400 scalars of valid UTF-8; invalid bytes each show as U+FFFD, at most 4 per scalar.
        let excerpt = TOMLLineIndex(bytes).excerpt(line: error.line, column: error.column)
        precondition(excerpt.text.unicodeScalars.count <= 1600, "an excerpt is bounded")
    }
    return 0
}
