import LimberCore
import TOML

// The one reader of values, for the config's sections and the catalog's tables alike. Each
// kind of value is read by one function here, so the same mistake gets the same message
// wherever it is made (`config.toml:12:9: expected a duration like "30m", ...`), with the
// fix when there is a likely one. Config keys bind these to settings (`Field`, Fields.swift),
// catalog tables to entries (`TableReader`, CatalogSchema.swift). Suggestions for unknown
// keys and unknown values come from one rule, `Suggest.suggestion`.

enum Values {
    // MARK: Numbers and switches

    /// A duration string within `range`. `unit` is what a bare number most likely means ("m"
    /// for intervals, "s" for holds), `example` what to write for a value of another type
    /// (without quotes); `hint` is added to the out-of-range message. `expected` says what the
    /// key takes when it is more than a duration.
    static func duration(_ entry: TOMLEntry, in range: ClosedRange<Duration>, unit: String, example: String,
                         expected: String? = nil, hint: String = "", _ reporter: inout Reporter) -> Duration? {
        guard let d = duration(entry, expected: expected ?? "a duration like \"30\(unit)\"", unit: unit,
                               example: example, reporter: &reporter) else { return nil }
        guard range.contains(d) else {
            reporter.error("\(entry.key) must be between \(DurationText.format(range.lowerBound)) and "
                           + "\(DurationText.format(range.upperBound)), found \(DurationText.format(d))" + hint,
                           at: entry.valuePosition)
            return nil
        }
        return d
    }

    /// Reads a duration string, any length; reports anything else with `expected` and a fix.
    static func duration(_ entry: TOMLEntry, expected: String, unit: String, example: String,
                         reporter: inout Reporter) -> Duration? {
        let key = entry.key
        switch entry.value {
        case .string(let s):
            if let d = DurationText.parse(s) { return d }
            if let fix = likelyDuration(s, unit: unit) {
                reporter.error("expected \(expected), found \(quoted(s)) (write \(key) = \(quoted(fix)))",
                               at: entry.valuePosition)
            } else {
                reporter.error("expected a duration like \"30m\", \"90s\" or \"1h30m\", found \(quoted(s))",
                               at: entry.valuePosition)
            }
        case .integer(let n) where n > 0 && n < 100_000:
            reporter.error("expected \(expected), found an integer (write \(key) = \"\(n)\(unit)\")",
                           at: entry.valuePosition)
        default:
            reporter.error("expected \(expected), found \(entry.value.typeDescription) (write \(key) = \(quoted(example)))",
                           at: entry.valuePosition)
        }
        return nil
    }

    /// What a near-miss duration was probably meant to be: "30" -> "30m", "30 min" -> "30m",
    /// "1 hour 30 minutes" -> "1h30m", "90 SEC" -> "90s"; nil when there is no clear reading.
    static func likelyDuration(_ text: String, unit: String) -> String? {
        var s = text.lowercased().filter { $0 != " " && $0 != "\t" }
        guard !s.isEmpty else { return nil }
        if s.allSatisfy(\.isASCIIDigit) {
            s += unit
        } else {
            for (words, letter) in [(["hours", "hour", "hrs", "hr"], "h"),
                                    (["minutes", "minute", "mins", "min"], "m"),
                                    (["seconds", "second", "secs", "sec"], "s")] {
                for word in words {
                    s = s.replacing(word, with: letter)
                }
            }
        }
        guard s != text, DurationText.parse(s) != nil else { return nil }
        return s
    }

    /// A whole number within `range`. A whole number written another way ("3", 2.0) gets
    /// its fix; any other value gets `example` as the fix, when there is one.
    static func integer(_ entry: TOMLEntry, in range: ClosedRange<Int>, example: Int? = nil,
                        _ reporter: inout Reporter) -> Int? {
        let fix: Int?
        switch entry.value {
        case .integer(let n) where n >= range.lowerBound && n <= range.upperBound:
            return Int(n)
        case .integer(let n):
            reporter.error("\(entry.key) must be between \(range.lowerBound) and \(range.upperBound), found \(n)",
                           at: entry.valuePosition)
            return nil
        case .string(let s) where Int(s.trimmingSpaces) != nil:
            fix = Int(s.trimmingSpaces)
        case .float(let f) where f.isFinite && f.rounded() == f && abs(f) < 1e9:
            fix = Int(f)
        default:
            fix = example
        }
        reporter.error("expected an integer, found \(entry.value.typeDescription)"
                       + (fix.map { " (write \(entry.key) = \($0))" } ?? ""), at: entry.valuePosition)
        return nil
    }

    /// A fraction such as 0.8 within `range`; a percentage written another way gets a fix.
    static func fraction(_ entry: TOMLEntry, in range: ClosedRange<Double>, example: Double,
                         _ reporter: inout Reporter) -> Double? {
        let key = entry.key
        var fix: Double?
        switch entry.value {
        case .float(let f) where f.isFinite:
            guard range.contains(f) else {
                var message = "\(key) must be between \(range.lowerBound) and \(range.upperBound), found \(f)"
                if f > 1, f <= 100 { message += " (a percentage? write \(key) = \(f / 100))" }
                reporter.error(message, at: entry.valuePosition)
                return nil
            }
            return f
        case .integer(let n) where n >= 0 && n <= 100:
            fix = n <= 1 ? Double(n) : Double(n) / 100
        case .string(let s):
            let t = s.trimmingSpaces
            if t.hasSuffix("%"), let n = Double(String(t.dropLast()).trimmingSpaces) {
                fix = n / 100
            } else if let n = Double(t) {
                fix = n > 1 ? n / 100 : n
            }
        default:
            break
        }
        reporter.error("expected a fraction like 0.8 (for 80%), found \(entry.value.typeDescription) "
                       + "(write \(key) = \(fix ?? example))", at: entry.valuePosition)
        return nil
    }

    /// true or false; a switch written as a string gets its fix.
    static func bool(_ entry: TOMLEntry, _ reporter: inout Reporter) -> Bool? {
        switch entry.value {
        case .bool(let b):
            return b
        case .string(let s) where ["true", "false", "yes", "no", "on", "off"].contains(s.lowercased()):
            let fix = ["true", "yes", "on"].contains(s.lowercased())
            reporter.error("expected true or false, found \(quoted(s)) (write \(entry.key) = \(fix), without quotes)",
                           at: entry.valuePosition)
        default:
            reporter.error("expected true or false, found \(entry.value.typeDescription)", at: entry.valuePosition)
        }
        return nil
    }

    /// A time of day as minutes since midnight, from "HH:MM" or a TOML local time, up to
    /// `latest` (1440, 24:00, may end a range of work hours). `key` names the fix for a time
    /// with seconds; a list element gets the bare value.
    static func timeOfDay(_ value: TOMLValue, at position: TOMLPosition, key: String? = nil, latest: Int = 1439,
                          _ reporter: inout Reporter) -> Int? {
        let expected = "expected a time of day like 09:00:00 or \"09:00\""
        switch value {
        case .localTime(let t):
            guard t.second == 0, t.nanosecond == 0 else {
                let whole = pad2(t.hour) + ":" + pad2(t.minute) + ":00"
                reporter.error("times of day are whole minutes, found \(t) (write \(key.map { "\($0) = " } ?? "")\(whole))",
                               at: position)
                return nil
            }
            return t.hour * 60 + t.minute
        case .string(let s):
            switch ClockText.parse(s) {
            case .time(let minute) where minute <= latest:
                return minute
            case .time, .outOfRange:
                reporter.error("expected a time of day from 00:00 to \(TimeOfDay.text(latest)), found \(quoted(s))",
                               at: position)
            case .invalid:
                reporter.error("\(expected), found \(quoted(s))", at: position)
            }
        default:
            reporter.error("\(expected), found \(value.typeDescription)", at: position)
        }
        return nil
    }

    // MARK: Names

    /// One raw value of `T`. A value of another type gets `example` as the fix when `key` is
    /// given; an unknown name gets a suggestion by `Suggest.suggestion`, with `advice` for
    /// words that need more than a name.
    static func choice<T: RawRepresentable & CaseIterable>(
        _ value: TOMLValue, at position: TOMLPosition, key: String? = nil, example: T? = nil,
        advice: [String: String] = [:], _ reporter: inout Reporter) -> T? where T.RawValue == String {
        if case .string(let s) = value, let v = T(rawValue: s) { return v }
        let names = T.allCases.map(\.rawValue)
        let expected = "expected \(listed(names.map(quoted), conjunction: "or"))"
        guard case .string(let s) = value else {
            var message = "\(expected), found \(value.typeDescription)"
            if let key, let example { message += " (write \(key) = \(quoted(example.rawValue)))" }
            reporter.error(message, at: position)
            return nil
        }
        let suggestion = Suggest.suggestion(for: s, in: names, synonyms: choiceSynonyms, advice: advice, quote: quoted)
        reporter.error("\(expected), found \(quoted(s))" + (suggestion ?? ""), at: position)
        return nil
    }

    /// Words people write for our choices.
    static let choiceSynonyms = ["chair": "desk", "seated": "desk", "sitting": "desk", "door": "doorway",
                                 "mat": "floor", "ground": "floor", "stand": "standing", "resistance-band": "band",
                                 "tennis-ball": "ball", "lacrosse-ball": "ball", "foam-roller": "roller",
                                 "dumbbells": "weights", "dumbbell": "weights", "nothing": "none"]

    /// A list of raw values of `T`, each once.
    static func choiceList<T: RawRepresentable & CaseIterable & Hashable>(
        _ entry: TOMLEntry, as: T.Type, allowEmpty: Bool = false, _ reporter: inout Reporter) -> [T]?
    where T.RawValue == String {
        guard case .array(let array) = entry.value, !array.isArrayOfTables else {
            let fix = entry.value.stringValue.map { " (put it in brackets: \(entry.key) = [\(quoted($0))])" } ?? ""
            reporter.error("expected a list like [\(quoted(T.allCases.first?.rawValue ?? ""))], found "
                           + "\(entry.value.typeDescription)\(fix)", at: entry.valuePosition)
            return nil
        }
        if array.elements.isEmpty, !allowEmpty {
            reporter.error("\(entry.key) is empty; name at least one of "
                           + listed(T.allCases.map { quoted($0.rawValue) }, conjunction: "or"), at: entry.valuePosition)
            return nil
        }
        var out: [T] = []
        var valid = true
        for element in array.elements {
            guard let v: T = choice(element.value, at: element.position, &reporter) else {
                valid = false
                continue
            }
            if out.contains(v) {
                reporter.error("\(quoted(v.rawValue)) is listed twice", at: element.position)
                valid = false
            }
            out.append(v)
        }
        return valid ? out : nil
    }

    /// Reports a key that `place` ("[posture]", "an exercise") does not have: a suggestion by
    /// `Suggest.suggestion`, else `otherwise`, else the keys it has.
    static func reportUnknownKey(_ entry: TOMLEntry, in place: String, keys: [String],
                                 synonyms: [String: String] = [:], quote: (String) -> String = { "'\($0)'" },
                                 otherwise: String? = nil, _ reporter: inout Reporter) {
        let suggestion = Suggest.suggestion(for: entry.key, in: keys, synonyms: synonyms, quote: quote)
        reporter.error("unknown key '\(entry.key)' in \(place)"
                       + (suggestion ?? otherwise ?? "; the keys there are \(listed(keys))"), at: entry.keyPosition)
    }

    /// A list of tables written [[key]] (the config's and the catalog file's [[exercises]]...).
    static func listOfTables(_ entry: TOMLEntry, _ reporter: inout Reporter) -> TOMLArray? {
        guard case .array(let array) = entry.value, array.elements.allSatisfy({ $0.value.tableValue != nil }) else {
            reporter.error("expected a list of tables written [[\(entry.key)]], found \(entry.value.typeDescription) "
                           + "(each entry starts with a line [[\(entry.key)]], with its keys below it)",
                           at: entry.valuePosition)
            return nil
        }
        return array
    }

    // MARK: Text

    /// A non-empty string.
    static func text(_ entry: TOMLEntry, _ reporter: inout Reporter) -> String? {
        guard case .string(let s) = entry.value else {
            reporter.error("expected a string, found \(entry.value.typeDescription) (write \(entry.key) = \"...\")",
                           at: entry.valuePosition)
            return nil
        }
        guard !s.trimmingSpaces.isEmpty else {
            reporter.error("\(entry.key) is empty", at: entry.valuePosition)
            return nil
        }
        return s
    }

    /// A list of non-empty strings.
    static func textList(_ entry: TOMLEntry, allowEmpty: Bool, _ reporter: inout Reporter) -> [String]? {
        guard case .array(let array) = entry.value, !array.isArrayOfTables else {
            let fix = entry.value.stringValue != nil ? " (put it in brackets: \(entry.key) = [\"...\"])" : ""
            reporter.error("expected a list of strings, found \(entry.value.typeDescription)\(fix)", at: entry.valuePosition)
            return nil
        }
        if array.elements.isEmpty, !allowEmpty {
            reporter.error("\(entry.key) is empty; write at least one", at: entry.valuePosition)
            return nil
        }
        var out: [String] = []
        var valid = true
        for element in array.elements {
            guard case .string(let s) = element.value, !s.trimmingSpaces.isEmpty else {
                reporter.error("expected a non-empty string, found " + (element.value.stringValue != nil
                    ? "an empty one" : element.value.typeDescription), at: element.position)
                valid = false
                continue
            }
            out.append(s)
        }
        return valid ? out : nil
    }

    /// Lowercase letters, digits and single dashes, at most 40 characters.
    static func checkID(_ s: String, at position: TOMLPosition, what: String, _ reporter: inout Reporter) -> String? {
        if isID(s) { return s }
        var fixed = ""
        for scalar in s.lowercased().unicodeScalars {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
                fixed.unicodeScalars.append(scalar)
            } else if !fixed.isEmpty, fixed.last != "-" {
                fixed += "-"
            }
        }
        while fixed.last == "-" { fixed.removeLast() }
        var message = "\(quoted(s)) is not \(what): use lowercase letters, digits and dashes (at most 40)"
        if isID(fixed) { message += ", like \(quoted(fixed))" }
        reporter.error(message, at: position)
        return nil
    }

    static func isID(_ s: String) -> Bool {
        let scalars = Array(s.unicodeScalars)
        guard (1...40).contains(scalars.count), scalars.first != "-", scalars.last != "-" else { return false }
        var previousDash = false
        for c in scalars {
            let dash = c == "-"
            guard dash || ("a"..."z").contains(c) || ("0"..."9").contains(c), !(dash && previousDash) else { return false }
            previousDash = dash
        }
        return true
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}

extension String {
    /// Without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { $0 != " " && $0 != "\t" }),
              let last = scalars.lastIndex(where: { $0 != " " && $0 != "\t" }) else { return "" }
        return String(scalars[first...last])
    }
}
