import ArgumentParser
import JSON
import LimberCatalog
import LimberConfig
import LimberFiles
import LimberProtocol
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Options of the commands that read the catalog locally (no daemon needed).
struct CatalogOptions: ParsableArguments {
    @Flag(name: .long, help: "Print JSON.")
    var json = false

    @Option(name: .long, help: ArgumentHelp("Read this configuration file instead of the XDG one.", valueName: "path"))
    var config: String?
}

/// The catalog and settings in effect: the built-in catalog with the config's own entries.
struct CatalogView {
    var catalog: Catalog
    var settings: CoachSettings
    /// Problems that made us fall back to the built-in defaults, for stderr.
    var warning: String?

    static func load(_ options: CatalogOptions, paths: LimberPaths) -> CatalogView {
        switch ConfigTool.load(path: options.config, paths: paths) {
        case .success((let configuration, _)):
            return CatalogView(catalog: configuration.effectiveCatalog(), settings: configuration.coach)
        case .failure(let outcome):
            return CatalogView(catalog: BuiltInCatalog.catalog, settings: .defaults,
                               warning: outcome.errors + "limber: showing the built-in catalog and settings; "
                                   + "'limber config check' lists the problems")
        }
    }
}

struct Routines: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the routines: length, where and with what, and whether they are offered to you.",
        discussion: """
            Short routines (1 to 5 minutes) come in rotation with the routine reminders; a
            routine is offered only when your equipment and places allow every exercise in
            it ([routine] equipment and places in the config). Daily routines (10 to 20
            minutes) are for the optional daily routine ([daily_routine]).

            Examples:
              limber routines                   the list
              limber routines show desk-reset   every step of one
              limber start desk-reset           walk through it
              limber routines --json
            """,
        subcommands: [List.self, Show.self],
        defaultSubcommand: List.self)

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the routines (the default).")

        @OptionGroup var options: CatalogOptions

        func run() throws {
            let view = CatalogView.load(options, paths: .current)
            if let w = view.warning { printErrorText(w) }
            printText(options.json ? CatalogText.routinesJSON(view) : CatalogText.routines(view))
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show every step of a routine: each exercise with its dose, how to do it, why, and cautions.")

        @Argument(help: ArgumentHelp("The routine's id, as 'limber routines' lists it.", valueName: "id"))
        var id: String

        @OptionGroup var options: CatalogOptions

        func run() throws {
            let view = CatalogView.load(options, paths: .current)
            if let w = view.warning { printErrorText(w) }
            guard let r = view.catalog.routine(id).flatMap(view.catalog.resolve) else {
                throw Limber.usageError(CatalogText.unknown("routine", id, among: view.catalog.routines.map(\.id)),
                                        command: Self.self, name: "routines show")
            }
            printText(options.json ? CatalogText.json(CatalogText.RoutineJSON(r, view.settings.setup, full: true))
                  : CatalogText.routine(r, view.settings.setup))
        }
    }
}

struct Exercises: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the exercises: where, with what, and the usual dose.",
        discussion: """
            Examples:
              limber exercises
              limber exercises show doorway-pec-stretch
              limber exercises --json
            """,
        subcommands: [List.self, Show.self],
        defaultSubcommand: List.self)

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the exercises (the default).")

        @OptionGroup var options: CatalogOptions

        func run() throws {
            let view = CatalogView.load(options, paths: .current)
            if let w = view.warning { printErrorText(w) }
            printText(options.json ? CatalogText.json(["exercises": view.catalog.exercises.map(CatalogText.ExerciseJSON.init)])
                  : CatalogText.exercises(view))
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one exercise in full.")

        @Argument(help: ArgumentHelp("The exercise's id, as 'limber exercises' lists it.", valueName: "id"))
        var id: String

        @OptionGroup var options: CatalogOptions

        func run() throws {
            let view = CatalogView.load(options, paths: .current)
            if let w = view.warning { printErrorText(w) }
            guard let e = view.catalog.exercise(id) else {
                throw Limber.usageError(CatalogText.unknown("exercise", id, among: view.catalog.exercises.map(\.id)),
                                        command: Self.self, name: "exercises show")
            }
            printText(options.json ? CatalogText.json(CatalogText.ExerciseJSON(e)) : CatalogText.exercise(e, dose: e.dose))
        }
    }
}

struct Start: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Walk through a routine step by step in one notification.",
        discussion: """
            Without an id: the routine of the reminder on screen, or the next one of the
            rotation. Holds and timed steps move on by themselves; a step of repetitions
            waits for its notification's Next button or 'limber next'. 'limber stop' ends it.
            A routine done to the end counts as your break: it answers a due reminder and
            restarts both intervals.

            A routine that needs a place or equipment your config does not list ([routine]
            equipment and places) is started only with --anyway.

            Examples:
              limber start
              limber start doorway-opener
              limber start floor-mobility --anyway
            """)

    @Argument(help: ArgumentHelp("The routine's id (see 'limber routines').", valueName: "id"))
    var routine: String?

    @Flag(name: .long, help: "Start it even though it needs a place or equipment your config does not list.")
    var anyway = false

    @OptionGroup var options: ConnectionOptions

    func run() throws {
        if let routine, !anyway, case .success((let configuration, _)) = ConfigTool.load(path: nil, paths: .current),
           let problem = Self.unmet(routine, configuration.effectiveCatalog(), configuration.coach.setup) {
            printError("limber: " + problem)
            throw ExitCode(Limber.Exit.refused)
        }
        try Client.run(.start(routine: routine), options: options)
    }

    /// Why `id` does not fit `setup` and how to start it anyway; nil when it fits (or is
    /// unknown: limberd names an unknown id with its suggestions).
    static func unmet(_ id: String, _ catalog: Catalog, _ setup: Setup) -> String? {
        guard let r = catalog.routine(id).flatMap(catalog.resolve) else { return nil }
        let reasons = r.unmet(setup)
        guard !reasons.isEmpty else { return nil }
        return "\(r.title) \(reasons.joined(separator: " and ")); your config's [routine] lists equipment: "
            + "\(CatalogText.equipment(setup.equipment.subtracting([.none]).sorted())); places: "
            + "\(CatalogText.places(setup.places.sorted())). 'limber start \(id) --anyway' starts it all the same"
    }
}

struct Next: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The current step of the guided routine is done: go to the next one.")

    @OptionGroup var options: ConnectionOptions

    func run() throws { try Client.run(.next, options: options) }
}

struct Stop: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "End the guided routine now (a due reminder stays due).")

    @OptionGroup var options: ConnectionOptions

    func run() throws { try Client.run(.stop, options: options) }
}

struct About: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "What limber is, and when back pain needs a professional rather than a reminder.")

    @Flag(name: .long, help: "Print JSON: version, red_flags, the line every routine carries, and the advice on heat.")
    var json = false

    func run() throws {
        let width = TerminalInfo.current(.never, environment: ProcessInfo.processInfo.environment).width
        print(json ? CatalogText.json(CatalogText.AboutJSON()) : TextWrap.wrap(CatalogText.about, width: width),
              terminator: "")
    }
}

/// The catalog commands' text and JSON, as pure functions.
enum CatalogText {
    static func unknown(_ what: String, _ id: String, among ids: [String]) -> String {
        var close = ids.filter { $0.hasPrefix(id) || id.hasPrefix($0) || $0.contains(id) }
        // And typos, as limberd suggests them for 'limber start desk-rest'.
        close += Suggest.closest(to: id, in: ids).filter { !close.contains($0) }
        let hint = close.isEmpty ? "'limber \(what == "routine" ? "routines" : "exercises")' lists them"
            : "did you mean \(close.prefix(3).joined(separator: " or "))?"
        return "there is no \(what) '\(id)'; \(hint)"
    }

    static func places(_ p: [Place]) -> String { p.map(\.displayName).joined(separator: ", ") }

    static func equipment(_ e: [Equipment]) -> String {
        e.isEmpty ? "nothing" : e.map(\.displayName).joined(separator: ", ")
    }

    static func setupText(_ s: CoachSettings) -> String {
        let gear = s.equipment.subtracting([.none]).sorted()
        return "with \(equipment(gear)), at \(places(s.places.sorted()))"
    }

    /// Rows padded into columns.
    static func table(_ rows: [[String]], indent: String = "  ") -> String {
        guard let width = rows.first?.count else { return "" }
        var widths = [Int](repeating: 0, count: width)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        return rows.map { row in
            var line = indent + row.enumerated().map { i, cell in
                i == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[i] - cell.count + 2)
            }.joined()
            while line.last == " " { line.removeLast() }
            return line
        }.joined(separator: "\n") + "\n"
    }

    static func routines(_ view: CatalogView) -> String {
        let setup = view.settings.setup
        func row(_ r: ResolvedRoutine, reason: Bool = false) -> [String] {
            var cells = [r.id, r.title, "\(r.minutes) min", places(r.places), equipment(r.equipment)]
            if reason { cells.append(r.unmet(setup).joined(separator: "; ")) }
            return cells
        }
        let micro = view.catalog.resolvedRoutines(.micro)
        let offered = micro.filter { $0.fits(setup) }
        let others = micro.filter { !$0.fits(setup) }
        var out = "Short routines offered to you (\(setupText(view.settings))), in rotation:\n"
        out += offered.isEmpty ? "  none: [routine] equipment and places in the config allow none of them\n"
            : table(offered.map { row($0) })
        if !others.isEmpty {
            out += "\nNot offered, for what they need ([routine] equipment and places in the config):\n"
            out += table(others.map { row($0, reason: true) })
        }
        let daily = view.catalog.resolvedRoutines(.daily)
        if !daily.isEmpty {
            let d = view.settings.daily
            let state = d.enabled ? "on at \(clock(d.at))" : "off"
            let chosen = view.catalog.dailyRoutine(view.settings)?.id
            out += "\nDaily routines (the daily routine is \(state); [daily_routine] in the config):\n"
            out += table(daily.map { row($0) + [$0.id == chosen ? "(the one it uses)" : ""] })
        }
        out += "\n'limber routines show ID' lists every step; 'limber start ID' walks you through one.\n"
        return out
    }

    static func clock(_ minute: Int) -> String {
        (minute / 60 < 10 ? "0" : "") + "\(minute / 60):" + (minute % 60 < 10 ? "0" : "") + "\(minute % 60)"
    }

    static func routine(_ r: ResolvedRoutine, _ setup: Setup) -> String {
        var out = "\(r.title) (\(r.id)): \(r.routine.kind == .daily ? "daily routine" : "short routine"), "
            + "about \(r.minutes) min\n"
        if let about = r.routine.about { out += about + "\n" }
        out += "Where: \(places(r.places)). Needs: \(equipment(r.equipment)).\n"
        let unmet = r.unmet(setup)
        if r.routine.kind == .micro {
            out += unmet.isEmpty ? "Offered to you in rotation.\n"
                : "Not offered to you: \(unmet.joined(separator: "; ")).\n"
        }
        for (i, step) in r.steps.enumerated() {
            out += "\n\(i + 1). " + exercise(step.exercise, dose: step.dose, indent: "   ")
        }
        out += "\n" + Safety.gentle + "\n"
        out += "Walk through it with 'limber start \(r.id)'.\n"
        return out
    }

    static func exercise(_ e: Exercise, dose: Dose, indent: String = "") -> String {
        var out = "\(e.name): \(dose.text)\n"
        out += indent + "Where: \(places(e.places)). Needs: \(equipment(e.equipment)).\n"
        for (i, s) in e.steps.enumerated() { out += indent + "\(i + 1)) \(s)\n" }
        out += indent + "Why: \(e.why)\n"
        for c in e.cautions { out += indent + "Careful: \(c)\n" }
        return out
    }

    static func exercises(_ view: CatalogView) -> String {
        let rows = view.catalog.exercises.map { [$0.id, $0.name, places($0.places), equipment($0.equipment), $0.dose.text] }
        return table([["ID", "NAME", "WHERE", "NEEDS", "USUAL DOSE"]] + rows, indent: "")
            + "\n'limber exercises show ID' shows how to do one, why it helps and what to watch for.\n"
    }

    static var about: String {
        """
        limber \(LimberVersion.current): reminders to check your posture and to move, with short routines for \
        the upper back that it walks you through step by step.

        'limber routines' and 'limber exercises' list what it suggests, 'limber cues' the posture cues; \
        'limber start' begins a routine.
        \(Safety.gentle)

        \(heat)

        \(Safety.notice)

        The exercises and cues are our own wording of common physiotherapy advice for desk workers. They are
        not medical advice and do not replace an examination.

        """
    }

    /// Heat before stretching, cold only for a flare-up: both sources put it first.
    static let heat = "Stiff and achy rather than hurt? Warm the upper back before you stretch: a hot-water bottle or "
        + "a warm shower for 10 to 20 minutes loosens tight muscles and brings blood to them. Cold packs are for a "
        + "fresh, sudden flare-up or swelling, not for everyday stiffness."

    // MARK: JSON

    struct AboutJSON: Encodable {
        var version = LimberVersion.current
        var redFlagsIntro = Safety.intro
        var redFlags = Safety.redFlags
        var redFlagsOutro = Safety.outro
        var gentle = Safety.gentle
        var heat = CatalogText.heat

        enum CodingKeys: String, CodingKey {
            case version, gentle, heat
            case redFlagsIntro = "red_flags_intro", redFlags = "red_flags", redFlagsOutro = "red_flags_outro"
        }
    }

    struct DoseJSON: Encodable {
        var reps: Int?
        var holdSeconds: Int?
        var durationSeconds: Int?
        var perSide: Bool
        var sets: Int
        var text: String

        init(_ d: Dose) {
            switch d.amount {
            case .reps(let n, let hold): reps = n; holdSeconds = hold
            case .hold(let s): holdSeconds = s
            case .duration(let s): durationSeconds = s
            }
            perSide = d.perSide
            sets = d.sets
            text = d.text
        }

        enum CodingKeys: String, CodingKey {
            case reps, sets, text
            case holdSeconds = "hold_seconds", durationSeconds = "duration_seconds", perSide = "per_side"
        }
    }

    struct ExerciseJSON: Encodable {
        var id, name: String
        var places, equipment, steps: [String]
        var dose: DoseJSON
        var why: String
        var cautions: [String]

        init(_ e: Exercise) {
            id = e.id; name = e.name; places = e.places.map(\.rawValue); equipment = e.equipment.map(\.rawValue)
            steps = e.steps; dose = DoseJSON(e.dose); why = e.why; cautions = e.cautions
        }
    }

    struct RoutineJSON: Encodable {
        struct Step: Encodable {
            var exercise: String
            var name: String
            var dose: DoseJSON
            var details: ExerciseJSON?
        }

        var id, title, kind: String
        var minutes: Int
        var about: String?
        var places, equipment: [String]
        var offered: Bool
        var unmet: [String]
        var steps: [Step]

        init(_ r: ResolvedRoutine, _ setup: Setup, full: Bool) {
            id = r.id; title = r.title; kind = r.routine.kind.rawValue; minutes = r.minutes; about = r.routine.about
            places = r.places.map(\.rawValue); equipment = r.equipment.map(\.rawValue)
            unmet = r.unmet(setup)
            offered = r.routine.kind == .micro && unmet.isEmpty
            steps = r.steps.map { Step(exercise: $0.exercise.id, name: $0.exercise.name, dose: DoseJSON($0.dose),
                                       details: full ? ExerciseJSON($0.exercise) : nil) }
        }
    }

    static func routinesJSON(_ view: CatalogView) -> String {
        json(["routines": view.catalog.resolvedRoutines().map { RoutineJSON($0, view.settings.setup, full: false) }])
    }

    static func json<T: Encodable>(_ value: T) -> String {
        ((try? JSON.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}") + "\n"
    }
}
