import LimberCatalog
import LimberCore
import TOML

// The catalog's schema: [[exercises]], [[routines]] and [[cues]], in config/catalog.toml (the
// built-in content) and in a user's config.toml (their own entries, which add to it or replace
// built-in ones with the same id). Both are read by these functions with the config's
// reporter and value readers (Values.swift), so problems come out as "file:line:col: error:
// ..." in the same words as the config's, with the same did-you-mean rule.
//
//     [[exercises]]
//     id = "doorway-pec-stretch"            # lowercase letters, digits and dashes
//     name = "Doorway pec stretch"
//     places = ["doorway"]                  # desk, standing, wall, doorway, floor: any will do
//     equipment = []                        # band, ball, roller, weights: all are needed
//     steps = ["...", "..."]                # how to do it, in order
//     hold = "30s"                          # the dose: reps (with an optional hold of 1-10 s
//     per_side = true                       # each), or a hold, or a duration; per_side; sets
//     sets = 2
//     why = "..."
//     cautions = ["..."]
//
//     [[routines]]
//     id = "doorway-opener"
//     title = "Doorway opener"
//     kind = "micro"                        # micro (1-5 min, rotated) or daily (10-20 min)
//     minutes = 3                           # optional: the estimate from the doses otherwise
//     steps = ["thoracic-rotation", { exercise = "doorway-pec-stretch", sets = 3 }]
//
//     [[cues]]
//     id = "screen-height"
//     text = "..."

enum CatalogSchema {
    static let exerciseKeys = ["id", "name", "places", "equipment", "steps", "reps", "hold", "duration", "per_side",
                               "sets", "why", "cautions"]
    static let routineKeys = ["id", "title", "kind", "minutes", "about", "steps"]
    static let stepKeys = ["exercise", "reps", "hold", "duration", "per_side", "sets"]
    static let cueKeys = ["id", "text"]
    static let doseKeys = ["reps", "hold", "duration", "per_side", "sets"]

    // MARK: Lists

    static func exercises(_ array: TOMLArray, _ reporter: inout Reporter) -> [Exercise] {
        var out: [Exercise] = []
        var seen: [String: TOMLPosition] = [:]
        for element in array.elements {
            guard let table = element.value.tableValue else { continue }
            if let e = exercise(table, at: element.position, &reporter),
               unique(e.id, in: &seen, table: table, what: "exercise", &reporter) {
                out.append(e)
            }
        }
        return out
    }

    static func routines(_ array: TOMLArray, _ reporter: inout Reporter) -> [Routine] {
        var out: [Routine] = []
        var seen: [String: TOMLPosition] = [:]
        for element in array.elements {
            guard let table = element.value.tableValue else { continue }
            if let r = routine(table, at: element.position, &reporter),
               unique(r.id, in: &seen, table: table, what: "routine", &reporter) {
                out.append(r)
            }
        }
        return out
    }

    static func cues(_ array: TOMLArray, _ reporter: inout Reporter) -> [Cue] {
        var out: [Cue] = []
        var seen: [String: TOMLPosition] = [:]
        for element in array.elements {
            guard let table = element.value.tableValue else { continue }
            var reader = TableReader(table: table, what: "a cue", keys: cueKeys)
            reader.reportUnknownKeys(&reporter)
            let id = reader.id(&reporter)
            let text = reader.text("text", &reporter)
            guard let id, let text, reader.require(["id", "text"], at: element.position, &reporter) else { continue }
            if unique(id, in: &seen, table: table, what: "cue", &reporter) {
                out.append(Cue(id: id, text: text))
            }
        }
        return out
    }

    /// Reports an id met before in the same list; true when it is new.
    private static func unique(_ id: String, in seen: inout [String: TOMLPosition], table: TOMLTable, what: String,
                               _ reporter: inout Reporter) -> Bool {
        let position = table.entry("id")?.valuePosition ?? table.position
        if let first = seen[id] {
            reporter.error("a second \(what) with the id \(quoted(id)); ids must be unique (to replace a built-in "
                           + "\(what), write it once with that id)", at: position,
                           notes: [("the first is here", first)])
            return false
        }
        seen[id] = position
        return true
    }

    // MARK: Entries

    static func exercise(_ table: TOMLTable, at position: TOMLPosition, _ reporter: inout Reporter) -> Exercise? {
        var reader = TableReader(table: table, what: "an exercise", keys: exerciseKeys)
        reader.reportUnknownKeys(&reporter)
        let id = reader.id(&reporter)
        let name = reader.text("name", &reporter)
        let places: [Place]? = reader.choices("places", &reporter)
        let equipment: [Equipment]? = reader.choices("equipment", allowEmpty: true, &reporter)
        let steps = reader.texts("steps", &reporter)
        let why = reader.text("why", &reporter)
        let cautions = reader.texts("cautions", allowEmpty: true, &reporter)
        let dose = reader.dose(&reporter)
        guard reader.require(["id", "name", "places", "steps", "why"], at: position, &reporter) else { return nil }
        guard let id, let name, let places, let steps, let why, reader.valid else { return nil }
        guard let amount = dose?.amount else {
            if dose != nil {  // read without problems, but no amount
                reporter.error("exercise \(quoted(id)) has no dose: give reps (optionally with a hold of 1s to 10s "
                               + "each), a hold like hold = \"30s\", or a duration like duration = \"1m\"", at: position)
            }
            return nil
        }
        return Exercise(id: id, name: name, places: Set(places).sorted(),
                        equipment: Set(equipment ?? []).subtracting([.none]).sorted(),
                        steps: steps, dose: Dose(amount, perSide: dose?.perSide ?? false, sets: dose?.sets ?? 1),
                        why: why, cautions: cautions ?? [])
    }

    static func routine(_ table: TOMLTable, at position: TOMLPosition, _ reporter: inout Reporter) -> Routine? {
        var reader = TableReader(table: table, what: "a routine", keys: routineKeys)
        reader.reportUnknownKeys(&reporter)
        let id = reader.id(&reporter)
        let title = reader.text("title", &reporter)
        let kind: Routine.Kind? = reader.choice("kind", example: .micro, &reporter)
        let about = reader.text("about", &reporter)
        let minutes = reader.integer("minutes", in: 1...60, &reporter)
        var steps: [RoutineStep]?
        if let entry = table.entry("steps") {
            steps = routineSteps(entry, &reporter)
            if steps == nil { reader.valid = false }
        }
        guard reader.require(["id", "title", "steps"], at: position, &reporter) else { return nil }
        guard let id, let title, let steps, reader.valid else { return nil }
        let k = kind ?? .micro
        if let minutes, !k.minutes.contains(minutes), let entry = table.entry("minutes") {
            reporter.error("a \(k.rawValue) routine lasts \(k.minutes.lowerBound) to \(k.minutes.upperBound) minutes, "
                           + "found \(minutes)" + (k == .micro ? " (for a longer one write kind = \"daily\")" : ""),
                           at: entry.valuePosition)
            return nil
        }
        return Routine(id: id, title: title, kind: k, minutes: minutes, about: about, steps: steps)
    }

    /// `steps = ["exercise-id", { exercise = "id", sets = 2 }, ...]`.
    static func routineSteps(_ entry: TOMLEntry, _ reporter: inout Reporter) -> [RoutineStep]? {
        guard case .array(let array) = entry.value, !array.isArrayOfTables else {
            reporter.error("expected a list of steps like [\"thoracic-rotation\", { exercise = \"doorway-pec-stretch\", "
                           + "sets = 2 }], found \(entry.value.typeDescription)", at: entry.valuePosition)
            return nil
        }
        guard !array.elements.isEmpty else {
            reporter.error("a routine needs at least one step", at: entry.valuePosition)
            return nil
        }
        var steps: [RoutineStep] = []
        var valid = true
        for element in array.elements {
            switch element.value {
            case .string(let id):
                if let id = Values.checkID(id, at: element.position, what: "an exercise id", &reporter) {
                    steps.append(RoutineStep(exercise: id))
                } else {
                    valid = false
                }
            case .table(let table):
                var reader = TableReader(table: table, what: "a routine step", keys: stepKeys)
                reader.reportUnknownKeys(&reporter)
                var exercise: String?
                if let e = table.entry("exercise") {
                    if let s = Values.text(e, &reporter) {
                        exercise = Values.checkID(s, at: e.valuePosition, what: "an exercise id", &reporter)
                    }
                    if exercise == nil { reader.valid = false }
                }
                let dose = reader.dose(&reporter)
                guard reader.require(["exercise"], at: element.position, &reporter), let exercise, let dose,
                      reader.valid else {
                    valid = false
                    continue
                }
                steps.append(RoutineStep(exercise: exercise, dose: dose))
            default:
                reporter.error("expected an exercise id or a table like { exercise = \"doorway-pec-stretch\", sets = 2 }, "
                               + "found \(element.value.typeDescription)", at: element.position)
                valid = false
            }
        }
        return valid ? steps : nil
    }

    // MARK: Across entries

    /// Every step of every routine written in `root` names an exercise of `catalog`; routines
    /// without a length last what their kind allows. Run once `catalog` holds everything.
    static func checkRoutines(in root: TOMLTable, against catalog: Catalog, _ reporter: inout Reporter) {
        guard case .array(let array)? = root["routines"] else { return }
        let ids = catalog.exercises.map(\.id)
        for element in array.elements {
            guard let table = element.value.tableValue, case .array(let steps)? = table["steps"] else { continue }
            var resolvable = true
            for step in steps.elements {
                let id: String?
                let position: TOMLPosition
                switch step.value {
                case .string(let s):
                    (id, position) = (s, step.position)
                case .table(let t):
                    (id, position) = (t["exercise"]?.stringValue, t.entry("exercise")?.valuePosition ?? step.position)
                default:
                    continue
                }
                guard let id, !ids.contains(id) else { continue }
                resolvable = false
                let suggestion = Suggest.suggestion(for: id, in: ids, quote: quoted) ?? "; 'limber exercises' lists them"
                reporter.error("no exercise has the id \(quoted(id))" + suggestion, at: position)
            }
            guard resolvable, table["minutes"] == nil, let id = table["id"]?.stringValue,
                  let routine = catalog.routine(id), let resolved = catalog.resolve(routine) else { continue }
            let estimate = resolved.minutes
            if !routine.kind.minutes.contains(estimate) {
                let k = routine.kind
                reporter.error("this \(k.rawValue) routine takes about \(estimate) minutes by its doses, but a "
                               + "\(k.rawValue) routine lasts \(k.minutes.lowerBound) to \(k.minutes.upperBound) "
                               + "(change the doses, or set minutes if the estimate is off)", at: element.position)
            }
        }
    }

    /// The whole of a catalog file (config/catalog.toml): its three lists and their references.
    static func document(_ root: TOMLTable, _ reporter: inout Reporter) -> Catalog {
        var catalog = Catalog()
        let names = ["exercises", "routines", "cues"]
        for entry in root {
            guard names.contains(entry.key) else {
                Values.reportUnknownKey(entry, in: "a catalog file", keys: names, quote: { "[[\($0)]]" },
                                        otherwise: "; it holds [[exercises]], [[routines]] and [[cues]]", &reporter)
                continue
            }
            guard let array = Values.listOfTables(entry, &reporter) else { continue }
            switch entry.key {
            case "exercises": catalog.exercises = exercises(array, &reporter)
            case "routines": catalog.routines = routines(array, &reporter)
            default: catalog.cues = cues(array, &reporter)
            }
        }
        checkRoutines(in: root, against: catalog, &reporter)
        return catalog
    }

    // MARK: Writing

    /// The entries of `catalog` as TOML that `document` reads back to the same catalog.
    static func text(_ catalog: Catalog) -> String {
        var blocks: [String] = []
        blocks += catalog.exercises.map(text)
        blocks += catalog.routines.map(text)
        blocks += catalog.cues.map(text)
        return blocks.joined(separator: "\n")
    }

    static func text(_ e: Exercise) -> String {
        var lines = ["[[exercises]]", "id = \(tomlString(e.id))", "name = \(tomlString(e.name))",
                     "places = " + inlineList(e.places.map(\.rawValue))]
        if !e.equipment.isEmpty { lines.append("equipment = " + inlineList(e.equipment.map(\.rawValue))) }
        lines.append("steps = " + blockList(e.steps))
        lines += doseLines(DoseOverride(amount: e.dose.amount, perSide: e.dose.perSide ? true : nil,
                                        sets: e.dose.sets == 1 ? nil : e.dose.sets))
        lines.append("why = \(tomlString(e.why))")
        if !e.cautions.isEmpty { lines.append("cautions = " + blockList(e.cautions)) }
        return lines.joined(separator: "\n") + "\n"
    }

    static func text(_ r: Routine) -> String {
        var lines = ["[[routines]]", "id = \(tomlString(r.id))", "title = \(tomlString(r.title))",
                     "kind = \(tomlString(r.kind.rawValue))"]
        if let m = r.minutes { lines.append("minutes = \(m)") }
        if let about = r.about { lines.append("about = \(tomlString(about))") }
        let steps = r.steps.map { step -> String in
            if step.dose.isEmpty { return tomlString(step.exercise) }
            return "{ " + (["exercise = \(tomlString(step.exercise))"] + doseLines(step.dose)).joined(separator: ", ") + " }"
        }
        lines.append("steps = [\n" + steps.map { "    " + $0 + ",\n" }.joined() + "]")
        return lines.joined(separator: "\n") + "\n"
    }

    static func text(_ c: Cue) -> String {
        "[[cues]]\nid = \(tomlString(c.id))\ntext = \(tomlString(c.text))\n"
    }

    private static func doseLines(_ d: DoseOverride) -> [String] {
        var lines: [String] = []
        switch d.amount {
        case .reps(let n, let hold)?:
            lines.append("reps = \(n)")
            if let hold { lines.append("hold = " + quoted(DurationText.format(.seconds(hold)))) }
        case .hold(let s)?: lines.append("hold = " + quoted(DurationText.format(.seconds(s))))
        case .duration(let s)?: lines.append("duration = " + quoted(DurationText.format(.seconds(s))))
        case nil: break
        }
        if let perSide = d.perSide { lines.append("per_side = \(perSide)") }
        if let sets = d.sets { lines.append("sets = \(sets)") }
        return lines
    }

    private static func inlineList(_ items: [String]) -> String {
        "[" + items.map(tomlString).joined(separator: ", ") + "]"
    }

    private static func blockList(_ items: [String]) -> String {
        "[\n" + items.map { "    " + tomlString($0) + ",\n" }.joined() + "]"
    }
}

/// Reads the keys of one catalog table with the value readers (Values.swift), remembering
/// whether everything read was valid.
struct TableReader {
    let table: TOMLTable
    /// "an exercise", "a routine": for messages.
    let what: String
    let keys: [String]
    var valid = true

    func reportUnknownKeys(_ reporter: inout Reporter) {
        for entry in table where !keys.contains(entry.key) {
            Values.reportUnknownKey(entry, in: what, keys: keys, synonyms: Self.synonyms, &reporter)
        }
    }

    /// Words people write for our keys.
    static let synonyms = ["description": "why", "instructions": "steps", "how": "steps", "place": "places",
                           "where": "places", "repetitions": "reps", "rounds": "reps", "seconds": "hold",
                           "length": "minutes", "name": "title", "each_side": "per_side", "both_sides": "per_side",
                           "warnings": "cautions", "caution": "cautions", "gear": "equipment",
                           "reps_per_side": "per_side", "side": "per_side", "sides": "per_side"]

    /// Reports the missing ones among `required`, at the table; false when any is missing.
    func require(_ required: [String], at position: TOMLPosition, _ reporter: inout Reporter) -> Bool {
        let missing = required.filter { table.entry($0) == nil }
        guard !missing.isEmpty else { return true }
        let noun = what.split(separator: " ").dropFirst().joined(separator: " ")
        let name = table["id"]?.stringValue.map { "\(noun) \(quoted($0))" } ?? "this \(noun)"
        reporter.error("\(name) has no \(listed(missing.map { "'\($0)'" })); every \(noun) needs "
                       + listed(required.map { "'\($0)'" }), at: position)
        return false
    }

    /// The value of `key` read by `reader`; nil when the key is absent or the value was
    /// refused (and reported), which makes the table invalid.
    private mutating func read<T>(_ key: String, _ reporter: inout Reporter,
                                  _ reader: (TOMLEntry, inout Reporter) -> T?) -> T? {
        guard let entry = table.entry(key) else { return nil }
        guard let value = reader(entry, &reporter) else {
            valid = false
            return nil
        }
        return value
    }

    mutating func id(_ reporter: inout Reporter) -> String? {
        read("id", &reporter) { entry, reporter in
            Values.text(entry, &reporter).flatMap { Values.checkID($0, at: entry.valuePosition, what: "an id", &reporter) }
        }
    }

    mutating func text(_ key: String, _ reporter: inout Reporter) -> String? {
        read(key, &reporter) { Values.text($0, &$1) }
    }

    mutating func texts(_ key: String, allowEmpty: Bool = false, _ reporter: inout Reporter) -> [String]? {
        read(key, &reporter) { Values.textList($0, allowEmpty: allowEmpty, &$1) }
    }

    mutating func bool(_ key: String, _ reporter: inout Reporter) -> Bool? {
        read(key, &reporter) { Values.bool($0, &$1) }
    }

    mutating func choice<T: RawRepresentable & CaseIterable>(_ key: String, example: T? = nil,
                                                             _ reporter: inout Reporter) -> T?
    where T.RawValue == String {
        read(key, &reporter) { Values.choice($0.value, at: $0.valuePosition, key: key, example: example, &$1) }
    }

    mutating func choices<T: RawRepresentable & CaseIterable & Hashable>(
        _ key: String, allowEmpty: Bool = false, _ reporter: inout Reporter) -> [T]? where T.RawValue == String {
        read(key, &reporter) { Values.choiceList($0, as: T.self, allowEmpty: allowEmpty, &$1) }
    }

    mutating func integer(_ key: String, in range: ClosedRange<Int>, _ reporter: inout Reporter) -> Int? {
        read(key, &reporter) { Values.integer($0, in: range, &$1) }
    }

    /// A duration in whole seconds within `range`; `hint` is added to the out-of-range message.
    mutating func seconds(_ key: String, in range: ClosedRange<Int>, _ reporter: inout Reporter,
                          hint: String = "") -> Int? {
        read(key, &reporter) { entry, reporter in
            Values.duration(entry, in: .seconds(range.lowerBound) ... .seconds(range.upperBound), unit: "s",
                            example: "30s", hint: hint, &reporter).map { Int($0.components.seconds) }
        }
    }

    /// The dose keys of the table; nil when any is invalid.
    mutating func dose(_ reporter: inout Reporter) -> DoseOverride? {
        let before = valid
        valid = true
        defer { valid = before && valid }
        let reps = integer("reps", in: Dose.Limits.reps, &reporter)
        let sets = integer("sets", in: Dose.Limits.sets, &reporter)
        let perSide = bool("per_side", &reporter)
        let holdEntry = table.entry("hold"), durationEntry = table.entry("duration")
        if reps != nil || table.entry("reps") != nil, let durationEntry {
            reporter.error("give reps or a duration, not both: repetitions are counted by you, a duration is timed",
                           at: durationEntry.keyPosition)
            valid = false
        }
        if holdEntry != nil, let durationEntry {
            reporter.error("give a hold or a duration, not both: a hold keeps still, a duration keeps moving",
                           at: durationEntry.keyPosition)
            valid = false
        }
        var amount: Dose.Amount?
        if let reps {
            let range = Dose.Limits.repHoldSeconds
            let hold = seconds("hold", in: range, &reporter,
                               hint: " (with reps this is the hold of each repetition; for one long hold leave out reps)")
            if valid { amount = .reps(reps, holdSeconds: hold) }
        } else if holdEntry != nil, table.entry("reps") == nil {
            if let s = seconds("hold", in: Dose.Limits.holdSeconds, &reporter) { amount = .hold(seconds: s) }
        } else if durationEntry != nil {
            if let s = seconds("duration", in: Dose.Limits.durationSeconds, &reporter) { amount = .duration(seconds: s) }
        }
        guard valid else { return nil }
        return DoseOverride(amount: amount, perSide: perSide, sets: sets)
    }
}
