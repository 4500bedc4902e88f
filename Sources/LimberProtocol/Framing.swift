/// Splits a byte stream into newline-terminated lines with a length cap.
public struct LineFramer: Sendable {
    /// One framing outcome.
    public enum Item: Sendable, Equatable {
        /// A complete line, without its newline (a trailing CR is dropped too).
        case line([UInt8])
        /// A line longer than the cap; its bytes up to the next newline are discarded.
        case tooLong
    }

    /// The longest line accepted, newline excluded.
    public let cap: Int
    private var buffer: [UInt8] = []
    private var discarding = false

    /// A framer accepting lines of at most `cap` bytes.
    public init(cap: Int = 64 * 1024) { self.cap = cap }

    /// Bytes held for an incomplete line.
    public var pendingCount: Int { buffer.count }

    /// Feeds bytes; returns the items they complete, in order.
    public mutating func append(_ bytes: some Sequence<UInt8>) -> [Item] {
        var items: [Item] = []
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                if discarding {
                    discarding = false
                } else {
                    if buffer.last == UInt8(ascii: "\r") { buffer.removeLast() }
                    items.append(.line(buffer))
                }
                buffer.removeAll(keepingCapacity: true)
            } else if !discarding {
                // One byte of slack so a CR ending a line of exactly `cap` bytes still fits.
                if buffer.count > cap || (buffer.count == cap && byte != UInt8(ascii: "\r")) {
                    discarding = true
                    buffer.removeAll()
                    items.append(.tooLong)
                } else {
                    buffer.append(byte)
                }
            }
        }
        return items
    }
}
