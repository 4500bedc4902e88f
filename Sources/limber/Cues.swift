import ArgumentParser
import LimberCatalog
import LimberFiles
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

struct Cues: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the posture cues that posture checks show, one each, in rotation.",
        discussion: """
            The built-in cues, with your own from [[cues]] in the config added (one with a
            built-in id replaces it).

            Examples:
              limber cues
              limber cues --json
            """)

    @OptionGroup var options: CatalogOptions

    func run() throws {
        let view = CatalogView.load(options, paths: .current)
        if let w = view.warning { printErrorText(w) }
        if options.json {
            printText(CatalogText.json(["cues": view.catalog.cues.map(CueJSON.init)]))
        } else {
            let width = TerminalInfo.current(.never, environment: ProcessInfo.processInfo.environment).width
            printText(Self.text(view.catalog.cues, width: width))
        }
    }

    /// Each cue's id, then its text wrapped to `width` and indented.
    static func text(_ cues: [Cue], width: Int) -> String {
        guard !cues.isEmpty else { return "No posture cues: [[cues]] in the config can add some.\n" }
        return cues.map { $0.id + "\n" + TextWrap.wrap($0.text, width: width, indent: "  ") }.joined()
            + "\nPosture checks show them one at a time, in this order.\n"
    }

    struct CueJSON: Encodable {
        var id, text: String
        init(_ c: Cue) { id = c.id; text = c.text }
    }
}

/// Plain text folded to a width for the terminal.
enum TextWrap {
    /// Wraps each line of `text` at spaces so no line is longer than `width` (a word longer
    /// than that stays whole), each line starting with `indent`; blank lines are kept and
    /// every line ends with a newline.
    static func wrap(_ text: String, width: Int, indent: String = "") -> String {
        var out = ""
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            // A list item keeps its hanging indent: "  - pain that..." continues under "pain".
            let lead = line.prefix { $0 == " " || $0 == "-" || $0 == "•" }
            let hang = indent + String(repeating: " ", count: lead.count)
            var current = indent + lead
            var empty = true
            for word in line.dropFirst(lead.count).split(separator: " ") {
                if !empty, current.count + 1 + word.count > width {
                    out += current + "\n"
                    current = hang + word
                } else {
                    current += (empty ? "" : " ") + word
                }
                empty = false
            }
            out += (empty ? String(current.drop { $0 == " " }) : current) + "\n"
        }
        return out
    }
}
