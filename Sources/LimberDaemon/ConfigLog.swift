/// Config diagnostics as log records.
enum ConfigLog {
    /// One rendered diagnostic ("FILE:L:C: error: MESSAGE", the source line, a caret, notes)
    /// as log records, one per line: the logger adds its own "error:", and a record holds one
    /// line (a newline inside one would show as a literal "\n" on the terminal). The source
    /// line and its caret keep their alignment, since every record gets the same prefix.
    static func records(_ rendered: String) -> [String] {
        rendered.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            guard let range = line.firstRange(of: ": error: ") else { return String(line) }
            // Only the severity right after the location "FILE:LINE:COL".
            let location = line[..<range.lowerBound]
            guard location.split(separator: ":").suffix(2).allSatisfy({ $0.allSatisfy(\.isNumber) && !$0.isEmpty })
            else { return String(line) }
            return location + ": " + line[range.upperBound...]
        }.filter { !$0.isEmpty }
    }
}
