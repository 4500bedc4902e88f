import TOML

/// One problem in a configuration file, at a 1-based line and column, with optional notes.
public struct ConfigDiagnostic: Sendable, Equatable, CustomStringConvertible {
    /// How serious a diagnostic is: notes only ever accompany an error.
    public enum Severity: String, Sendable {
        case error
        case note
    }

    /// The 1-based line.
    public var line: Int
    /// The 1-based column, in Unicode scalars.
    public var column: Int
    /// What is wrong and, where it helps, how to fix it.
    public var message: String
    /// Error, or note.
    public var severity: Severity
    /// The text of the line (or of the part around the column, see `cutBefore`), for the caret display.
    public var sourceLine: String
    /// Scalars of the line left out before `sourceLine` (a long line is kept only around the column).
    public var cutBefore: Int = 0
    /// Whether more of the line follows `sourceLine`.
    public var cutAfter: Bool = false
    /// Related places, shown after the error (the other half of a contradiction).
    public var notes: [ConfigDiagnostic]

    /// Creates a diagnostic.
    public init(line: Int, column: Int, message: String, severity: Severity = .error,
                sourceLine: String = "", notes: [ConfigDiagnostic] = []) {
        self.line = line
        self.column = column
        self.message = message
        self.severity = severity
        self.sourceLine = sourceLine
        self.notes = notes
    }

    /// "LINE:COLUMN: MESSAGE".
    public var description: String { "\(line):\(column): \(message)" }

    /// "FILE:LINE:COL: error: MESSAGE", the source line and a caret; then each note likewise.
    public func rendered(fileName: String) -> String {
        let own = TOMLError.render(fileName: fileName, line: line, column: column, message: message,
                                   sourceLine: sourceLine, severity: severity.rawValue,
                                   cutBefore: cutBefore, cutAfter: cutAfter)
        return ([own] + notes.map { $0.rendered(fileName: fileName) }).joined(separator: "\n")
    }
}

/// Every problem found in one configuration file, sorted by position.
public struct ConfigDiagnostics: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file name the diagnostics are rendered with.
    public var fileName: String
    /// The errors, sorted by line and column; never empty when returned by `load`.
    ///
    /// Only the first `shownLimit` carry their source line: the rest are only counted when shown.
    public var errors: [ConfigDiagnostic]

    /// Errors found beyond the ones kept in `errors` (a file can hold hundreds of thousands:
    /// keeping them all would cost memory for nothing).
    public var unlisted: Int = 0

    /// Every error found, listed or not.
    public var count: Int { errors.count + unlisted }

    /// How many errors are shown one by one; the rest are summed up in one line ("and 7,983 more").
    public static let shownLimit = 50

    /// Creates a set of diagnostics, sorting them by position.
    public init(fileName: String, errors: [ConfigDiagnostic]) {
        self.fileName = fileName
        // Equal positions keep the order the checks found them in.
        self.errors = errors.enumerated().sorted {
            ($0.element.line, $0.element.column, $0.offset) < ($1.element.line, $1.element.column, $1.offset)
        }.map(\.element)
    }

    /// Creates a set of diagnostics and gives the first `shownLimit` (and their notes) their
    /// source lines from `source`, indexed once: the cost stays linear in the file however many
    /// errors it has.
    init(fileName: String, errors: [ConfigDiagnostic], unlisted: Int = 0, source: [UInt8]) {
        self.init(fileName: fileName, errors: errors)
        self.unlisted = unlisted
        let index = TOMLLineIndex(source)
        func attach(_ d: inout ConfigDiagnostic) {
            let excerpt = index.excerpt(line: d.line, column: d.column)
            d.sourceLine = excerpt.text
            d.cutBefore = excerpt.cutBefore
            d.cutAfter = excerpt.cutAfter
            for k in d.notes.indices { attach(&d.notes[k]) }
        }
        for k in self.errors.indices.prefix(Self.shownLimit) { attach(&self.errors[k]) }
    }

    /// The first `shownLimit` errors rendered with their source line, caret and notes (one
    /// string each), then, when there are more, one line saying how many.
    public var rendered: [String] {
        var lines = errors.prefix(Self.shownLimit).map { $0.rendered(fileName: fileName) }
        if count > Self.shownLimit {
            let more = count - Self.shownLimit
            lines.append("\(fileName): and \(grouped(more)) more error\(more == 1 ? "" : "s"); "
                         + "fix these first, then run 'limber config check' again")
        }
        return lines
    }

    /// "FILE has 2 errors".
    public var summary: String {
        "\(fileName) has \(grouped(count)) error\(count == 1 ? "" : "s")"
    }

    /// All errors rendered, one after the other, then the summary.
    public var description: String { (rendered + [summary]).joined(separator: "\n") }
}

/// 7983 -> "7,983".
func grouped(_ n: Int) -> String {
    let digits = Array(String(n.magnitude))
    var out = n < 0 ? "-" : ""
    for (k, d) in digits.enumerated() {
        if k > 0, (digits.count - k) % 3 == 0 { out += "," }
        out.append(d)
    }
    return out
}

/// Collects diagnostics while a document is decoded; their source lines are attached at the
/// end, to the ones shown (`ConfigDiagnostics.init(fileName:errors:source:)`).
struct Reporter {
    let source: [UInt8]
    private(set) var errors: [ConfigDiagnostic] = []
    /// Errors found once `storedLimit` were kept: only counted.
    private(set) var unlisted = 0

    /// How many errors are kept (the first found); the ones shown are the first by position among them.
    static let storedLimit = 1000

    init(source: [UInt8]) {
        self.source = source
    }

    mutating func error(_ message: String, at position: TOMLPosition,
                        notes: [(message: String, position: TOMLPosition)] = []) {
        guard errors.count < Self.storedLimit else {
            unlisted += 1
            return
        }
        errors.append(diagnostic(message, at: position, severity: .error,
                                 notes: notes.map { diagnostic($0.message, at: $0.position, severity: .note) }))
    }

    private func diagnostic(_ message: String, at p: TOMLPosition, severity: ConfigDiagnostic.Severity,
                            notes: [ConfigDiagnostic] = []) -> ConfigDiagnostic {
        ConfigDiagnostic(line: p.line, column: p.column, message: Self.bounded(message), severity: severity, notes: notes)
    }

    /// Messages quote keys and section names from the file, which can be of any length: a
    /// long one keeps its start and its end (where a suggestion goes), so that 50 diagnostics
    /// stay a readable, bounded answer.
    static func bounded(_ message: String) -> String {
        let scalars = message.unicodeScalars
        guard scalars.count > 600 else { return message }
        var out = String.UnicodeScalarView(scalars.prefix(300))
        out.append(contentsOf: " ... ".unicodeScalars)
        out.append(contentsOf: scalars.suffix(250))
        return String(out)
    }
}

/// "Did you mean" suggestions: `suggestion` for the config and the catalog, `closest` for the CLI too.
package enum Suggest {
    /// The candidates closest to `word` (several when they tie), when they are close enough
    /// to be a likely typo; empty otherwise.
    ///
    /// Case and '-' versus '_' are ignored; a candidate also matches when one of the two is a
    /// prefix of the other and the shorter has at least three characters ("monday" -> "mon").
    package static func closest(to word: String, in candidates: [String]) -> [String] {
        let w = normalized(word)
        var best: [String] = []
        var bestDistance = Int.max
        for candidate in candidates {
            let c = normalized(candidate)
            let limit = c.count <= 3 ? 1 : c.count <= 6 ? 2 : 3
            // Lengths further apart than the limit are further apart than it in distance too:
            // only the prefix rule can match them, and the distance table is not filled.
            var d = abs(w.count - c.count) > limit ? limit + 1 : distance(w, c)
            if d > limit, min(w.count, c.count) >= 3, w.starts(with: c) || c.starts(with: w) {
                d = limit
            }
            guard d <= limit, d <= bestDistance else { continue }
            if d < bestDistance {
                best = []
                bestDistance = d
            }
            best.append(candidate)
        }
        return best
    }

    /// The one rule for what to suggest to someone who wrote `word` where one of `names`
    /// belongs: for unknown keys and unknown values, in the config and the catalog alike.
    ///
    /// In order: `advice` for a word that needs a sentence rather than a name ("true" for a
    /// policy), written exactly (case aside), as " (ADVICE)"; a word people use for one of the
    /// names (`synonyms`: "chair" for "desk"), written exactly; the names closest to `word`;
    /// the names of the synonyms closest to it (a misspelt synonym: "dumbells"). The last
    /// three as "; did you mean 'a'?" or "; did you mean 'a' or 'b'?". Nil when none applies.
    static func suggestion(for word: String, in names: [String], synonyms: [String: String] = [:],
                           advice: [String: String] = [:], quote: (String) -> String) -> String? {
        let lowered = word.lowercased()
        if let advice = advice[lowered] { return " (\(advice))" }
        var found: [String]
        if let name = synonyms[lowered], names.contains(name) {
            found = [name]
        } else {
            found = closest(to: word, in: names)
            if found.isEmpty {
                // All the nearest are kept, so the order they are tried in does not matter.
                let near = closest(to: word, in: Array(synonyms.keys))
                found = Set(near.compactMap { synonyms[$0] }).filter(names.contains).sorted()
            }
        }
        guard !found.isEmpty else { return nil }
        return "; did you mean \(listed(found.map(quote), conjunction: "or"))?"
    }

    /// Lowercased, '-' as '_', as scalars: keys and names are ASCII, and scalars cost no
    /// grapheme breaking (this runs for every unknown key and value of a file with errors).
    private static func normalized(_ s: String) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(s.utf8.count)
        for scalar in s.unicodeScalars {
            if scalar == "-" {
                out.append("_")
            } else if ("A"..."Z").contains(scalar) {
                out.append(Unicode.Scalar(scalar.value + 32) ?? scalar)
            } else if scalar.isASCII {
                out.append(scalar)
            } else {
                out.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
            }
        }
        return out
    }

    /// Optimal string alignment distance: inserting, deleting or replacing a character, or
    /// swapping two neighbours, each cost one.
    static func distance<Element: Equatable>(_ a: [Element], _ b: [Element]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous2 = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var d = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    d = min(d, previous2[j - 2] + 1)
                }
                current[j] = d
            }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return previous[b.count]
    }
}

/// A string value as a message shows it: quoted, escaped, and cut when long.
func quoted(_ s: String) -> String {
    var out = "\""
    for (count, scalar) in s.unicodeScalars.enumerated() {
        if count == 40 {
            out += "..."
            break
        }
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\t": out += "\\t"
        case "\u{0}"..."\u{1F}", "\u{7F}":
            let hex = String(scalar.value, radix: 16, uppercase: true)
            out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}

/// "a, b and c".
func listed(_ items: [String], conjunction: String = "and") -> String {
    switch items.count {
    case 0: return ""
    case 1: return items[0]
    default: return items.dropLast().joined(separator: ", ") + " \(conjunction) " + items[items.count - 1]
    }
}
