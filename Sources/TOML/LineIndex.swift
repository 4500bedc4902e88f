/// Where each line of a source starts, found in one pass, so that any number of diagnostics
/// can show their line without rescanning the source or copying whole lines.
public struct TOMLLineIndex: Sendable {
    private let source: [UInt8]
    /// Byte offset of the start of each line; line 1 starts after a byte order mark.
    private let starts: [Int]

    /// Indexes `source` (one pass over its bytes).
    public init(_ source: [UInt8]) {
        self.source = source
        var starts = [TOMLError.hasBOM(source) ? 3 : 0]
        source.withUnsafeBufferPointer { b in
            for i in b.indices where b[i] == UInt8(ascii: "\n") { starts.append(i + 1) }
        }
        self.starts = starts
    }

    /// Up to `radius` scalars either side of 1-based `column` on 1-based `line`, without the
    /// line end: the text, how many scalars of the line come before it, and whether more of the
    /// line follows it. Costs the distance from the line's start to the excerpt's end.
    public func excerpt(line: Int, column: Int, radius: Int = 200) -> (text: String, cutBefore: Int, cutAfter: Bool) {
        guard line >= 1, line <= starts.count else { return ("", 0, false) }
        var stop = line < starts.count ? starts[line] - 1 : source.count
        if stop > starts[line - 1], source[stop - 1] == UInt8(ascii: "\r") { stop -= 1 }
        let wantFirst = max(0, column - 1 - radius)
        let wantLast = max(0, column - 1) + radius
        return source.withUnsafeBufferPointer { b in
            var k = starts[line - 1]
            var scalar = 0
            var begin = -1
            var continuation = 0
            while k < stop {
                // A scalar starts at every byte that is not a UTF-8 continuation byte; in text
                // that is not UTF-8, a fourth continuation byte in a row starts one too, so an
                // excerpt never spans more than 4 bytes per scalar.
                if b[k] & 0xC0 != 0x80 || continuation == 3 {
                    continuation = 0
                    if scalar == wantFirst { begin = k }
                    if scalar == wantLast { break }
                    scalar += 1
                } else {
                    continuation += 1
                }
                k += 1
            }
            if begin < 0 { begin = k }
            let text = String(decoding: UnsafeBufferPointer(rebasing: b[begin..<k]), as: UTF8.self)
            return (text, wantFirst <= scalar ? wantFirst : scalar, k < stop)
        }
    }
}
