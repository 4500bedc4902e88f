import LimberCatalog
import LimberCore
import TOML

// The sections about what to do in a break: the optional daily routine, sit/stand reminder
// and step-up suggestion, and the user's own [[exercises]], [[routines]] and [[cues]] (the
// catalog schema, CatalogSchema.swift). Equipment and places are keys of [routine].

enum CoachSchema {
    /// The settings sections, in the order `config show` writes them.
    static let settings: [Section] = [
        .plain("daily_routine", [
            .bool("enabled", \.coach.daily.enabled),
            .clockTime("at", \.coach.daily.at),
            .text("routine", \.coach.daily.routine),
        ]),
        .plain("sit_stand", [
            .bool("enabled", \.coach.sitStand.enabled),
            .clockTimes("at", \.coach.sitStand.at),
            .duration("first_block", \.coach.sitStand.firstBlock, in: .seconds(5 * 60) ... .seconds(3600)),
            .duration("grow_by", \.coach.sitStand.growBy, in: .zero ... .seconds(30 * 60)),
            .duration("longest", \.coach.sitStand.longest, in: .seconds(5 * 60) ... .seconds(2 * 3600)),
        ], check: checkSitStand),
        .plain("step_up", [
            .bool("enabled", \.coach.stepUp.enabled),
            .integer("after_weeks", \.coach.stepUp.afterWeeks, in: 2...12),
            .integer("days_per_week", \.coach.stepUp.daysPerWeek, in: 1...7),
        ]),
    ]

    /// The user's own catalog entries, written after every other section.
    static let lists: [Section] = [
        .list("exercises", keys: CatalogSchema.exerciseKeys,
              decode: { array, reporter, c in c.catalog.exercises = CatalogSchema.exercises(array, &reporter) },
              encode: { c in c.catalog.exercises.map(CatalogSchema.text).joined(separator: "\n") }),
        .list("routines", keys: CatalogSchema.routineKeys,
              decode: { array, reporter, c in c.catalog.routines = CatalogSchema.routines(array, &reporter) },
              encode: { c in c.catalog.routines.map(CatalogSchema.text).joined(separator: "\n") }),
        .list("cues", keys: CatalogSchema.cueKeys,
              decode: { array, reporter, c in c.catalog.cues = CatalogSchema.cues(array, &reporter) },
              encode: { c in c.catalog.cues.map(CatalogSchema.text).joined(separator: "\n") }),
    ]

    /// The keys [routine] gains: what you have and where you can move.
    static let routineFields: [Field] = [
        .choices("equipment", \.coach.equipment, allowEmpty: true),
        .choices("places", \.coach.places),
    ]

    /// A standing block may not start longer than the longest; on, it needs a time.
    static func checkSitStand(_ read: ReadKeys, _ reporter: inout Reporter, _ c: LimberConfiguration) {
        let s = c.coach.sitStand
        if s.firstBlock > s.longest, !read.rejected.contains("first_block"), !read.rejected.contains("longest") {
            let at = read.accepted["longest"] ?? read.accepted["first_block"]
            if let at {
                reporter.error("longest (\(DurationText.format(s.longest))) is shorter than first_block "
                               + "(\(DurationText.format(s.firstBlock)))", at: at.valuePosition)
            }
        }
        if s.enabled, s.at.isEmpty, let at = read.accepted["at"] {
            reporter.error("the sit/stand reminder is on but has no times; add one like at = [\"10:30\"]",
                           at: at.valuePosition)
        }
    }

    /// After the whole file is read: the user's routines name existing exercises (their own or
    /// built-in ones), and the daily routine names an existing routine.
    static func checkReferences(_ root: TOMLTable, _ reporter: inout Reporter, _ c: LimberConfiguration) {
        let daily = root["daily_routine"]?.tableValue?.entry("routine")
        let named = daily != nil && c.coach.daily.routine != "auto"
        // The routines as written, not only those that were read without error: a routine
        // refused for another problem still has its unknown exercises reported in the same run.
        guard root["routines"] != nil || named else { return }
        let catalog = c.effectiveCatalog()
        CatalogSchema.checkRoutines(in: root, against: catalog, &reporter)
        if named, let daily, catalog.routine(c.coach.daily.routine) == nil {
            let ids = catalog.routines.map(\.id)
            var message = "no routine has the id \(quoted(c.coach.daily.routine))"
            message += Suggest.suggestion(for: c.coach.daily.routine, in: ids + ["auto"], quote: quoted)
                ?? "; write \"auto\", or an id from 'limber routines'"
            reporter.error(message, at: daily.valuePosition)
        }
    }
}

/// The exercise catalog built into the binaries: config/catalog.toml, parsed on first use.
public enum BuiltInCatalog {
    /// The built-in catalog; empty only if config/catalog.toml were invalid, which the tests
    /// rule out.
    public static let catalog: Catalog = (try? load().get()) ?? Catalog()

    /// Parses and checks the built-in catalog file.
    public static func load() -> Result<Catalog, ConfigDiagnostics> {
        load(bytes: CatalogFile.bytes, fileName: "catalog.toml")
    }

    /// Parses and checks a catalog file's text.
    public static func load(_ text: String, fileName: String = "catalog.toml") -> Result<Catalog, ConfigDiagnostics> {
        load(bytes: Array(text.utf8), fileName: fileName)
    }

    /// Parses and checks a catalog file's bytes.
    public static func load(bytes: [UInt8], fileName: String) -> Result<Catalog, ConfigDiagnostics> {
        let document: TOMLDocument
        do {
            document = try TOMLDocument(parsing: bytes)
        } catch {
            return .failure(ConfigDiagnostics(fileName: fileName, errors: [
                ConfigDiagnostic(line: error.line, column: error.column, message: error.message,
                                 sourceLine: error.sourceLine),
            ]))
        }
        var reporter = Reporter(source: bytes)
        let catalog = CatalogSchema.document(document.root, &reporter)
        return reporter.errors.isEmpty ? .success(catalog)
            : .failure(ConfigDiagnostics(fileName: fileName, errors: reporter.errors, unlisted: reporter.unlisted, source: bytes))
    }

    /// `catalog` as TOML that `load` reads back to the same catalog.
    public static func text(of catalog: Catalog) -> String { CatalogSchema.text(catalog) }
}

extension LimberConfiguration {
    /// The built-in catalog with the user's own entries added (or replacing built-in ones).
    public func effectiveCatalog() -> Catalog {
        catalog.isEmpty ? BuiltInCatalog.catalog : BuiltInCatalog.catalog.merged(with: catalog)
    }
}
