/// Text from outside (history files another machine synced here, a daemon's answers) made safe
/// to print: nothing in it can start a terminal escape sequence (title, clipboard, clear screen),
/// move the cursor back over what was printed, or reorder the text around it.
public enum TerminalText {
    /// Whether a terminal could act on `scalar` rather than show it: C0 and C1 controls, DEL,
    /// and the bidirectional overrides and isolates. Tab is shown as it is; line feed only
    /// with `keepingNewlines`.
    public static func isUnsafe(_ scalar: Unicode.Scalar, keepingNewlines: Bool = false) -> Bool {
        switch scalar.value {
        case 0x09: false
        case 0x0A: !keepingNewlines
        case 0x00...0x1F, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    /// `text` with every unsafe scalar replaced by a visible stand-in: caret notation for the
    /// C0 controls and DEL (`^[` for ESC, `^?`), U+FFFD for the rest. Costs one pass; text
    /// without any comes back as it is.
    public static func safe(_ text: String, keepingNewlines: Bool = false) -> String {
        // Fast path: every unsafe scalar has a byte below 0x20, 0x7F, 0xC2 (C1) or 0xE2 (bidi).
        guard text.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F || $0 == 0xC2 || $0 == 0xE2 }) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            guard isUnsafe(scalar, keepingNewlines: keepingNewlines) else {
                out.append(scalar)
                continue
            }
            switch scalar.value {
            case 0x00...0x1F:
                out.append("^")
                out.append(Unicode.Scalar(UInt8(scalar.value) + 0x40))
            case 0x7F:
                out.append("^")
                out.append("?")
            default:
                out.append("\u{FFFD}")
            }
        }
        return String(out)
    }
}
