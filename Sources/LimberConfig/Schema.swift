import LimberCore
import TOML

// The file's layout: sections of keys, each key with a reader and a writer. Decoding,
// unknown-key suggestions, `config show` and the "settings that differ" summary all walk
// this one table.
//
// To add a section (say [history]): give LimberConfiguration a settings struct with its
// defaults, then add one entry to `Schema.sections` built from `Field`s (or a custom
// `Section` for a section with its own shape, like [work_hours]), and document it in
// config/limber.toml. Everything else follows from the table.

/// One key of a section: how to read it into a configuration and how to write it back.
struct Field: Sendable {
    let key: String
    /// Reads the entry into the configuration; false when it was rejected (and reported).
    let read: @Sendable (TOMLEntry, inout Reporter, inout LimberConfiguration) -> Bool
    /// The key's current value as TOML text.
    let write: @Sendable (LimberConfiguration) -> String
    /// An old name still read for files written before the key was renamed; never written,
    /// and not offered in suggestions.
    var isOldName = false

    /// This field's reader under an old name of the key.
    func oldName(_ name: String) -> Field {
        Field(key: name, read: read, write: write, isOldName: true)
    }
}

/// One [section] of the file, or one list of tables written [[name]] (exercises, routines).
struct Section: Sendable {
    let name: String
    /// Every key the section accepts, for unknown-key messages.
    let keys: [String]
    let decode: @Sendable (TOMLTable, inout Reporter, inout LimberConfiguration) -> Void
    /// The section's keys and values as TOML text, in the order `config show` writes them.
    let encode: @Sendable (LimberConfiguration) -> [(key: String, value: String)]
    /// For a list of tables ([[name]]) rather than one [name]: reads the list.
    var decodeList: (@Sendable (TOMLArray, inout Reporter, inout LimberConfiguration) -> Void)? = nil
    /// For a list of tables: its TOML text for `config show`, "" when it is empty.
    var encodeList: (@Sendable (LimberConfiguration) -> String)? = nil

    /// A list of tables ([[name]]), each with `keys`.
    static func list(_ name: String, keys: [String],
                     decode: @escaping @Sendable (TOMLArray, inout Reporter, inout LimberConfiguration) -> Void,
                     encode: @escaping @Sendable (LimberConfiguration) -> String) -> Section {
        Section(name: name, keys: keys, decode: { _, _, _ in }, encode: { _ in [] }, decodeList: decode,
                encodeList: encode)
    }
}

/// What a section of plain keys read: for rules that tie its keys together.
struct ReadKeys {
    /// The entries that were read without a problem, by key.
    var accepted: [String: TOMLEntry] = [:]
    /// Keys that were present but rejected.
    var rejected: Set<String> = []
}

extension Section {
    /// A section of independent keys, with an optional check of how they fit together.
    static func plain(_ name: String, _ fields: [Field],
                      check: @escaping @Sendable (ReadKeys, inout Reporter, LimberConfiguration) -> Void = { _, _, _ in })
        -> Section {
        let keys = fields.filter { !$0.isOldName }.map(\.key)
        return Section(
            name: name, keys: keys,
            decode: { table, reporter, configuration in
                var read = ReadKeys()
                for entry in table {
                    guard let field = fields.first(where: { $0.key == entry.key }) else {
                        Schema.reportUnknownKey(entry, inSection: name, reporter: &reporter)
                        continue
                    }
                    if field.read(entry, &reporter, &configuration) {
                        read.accepted[entry.key] = entry
                    } else {
                        read.rejected.insert(entry.key)
                    }
                }
                check(read, &reporter, configuration)
            },
            encode: { configuration in
                fields.filter { !$0.isOldName }.map { (key: $0.key, value: $0.write(configuration)) }
            })
    }
}

enum Schema {
    /// The sections in the order `config show` writes them.
    static let sections: [Section] = [
        .plain("posture", [
            .duration("interval_min", \.schedule.postureMin, in: .seconds(5 * 60) ... .seconds(4 * 3600)),
            .duration("interval_max", \.schedule.postureMax, in: .seconds(5 * 60) ... .seconds(4 * 3600)),
        ], check: checkPostureWindow),
        .plain("routine", [
            .duration("interval", \.schedule.routineInterval, in: .seconds(10 * 60) ... .seconds(8 * 3600)),
        ] + CoachSchema.routineFields),
        .plain("reminders", [
            .duration("reshow_after", \.schedule.reshowDelay, in: .seconds(60) ... .seconds(3600)),
            .integer("reshow_count", \.schedule.reshowCount, in: 0...5),
            .duration("snooze_default", \.schedule.snoozeDefault, in: ScheduleSettings.snoozeRange),
            .integer("snooze_limit", \.schedule.snoozeLimit, in: 0...10),
        ]),
        .plain("notifications", [
            .choice("urgency", \.notifications.urgency, hints: [
                "critical": "the last re-show is always critical; the first showings cannot be",
            ]),
            .expiry("expire", \.notifications.expire, in: .seconds(1) ... .seconds(3600)),
            .bool("sound", \.notifications.sound),
        ]),
        .plain("stats", [
            .fraction("goal", \.stats.goal, in: 0.1...1.0),
        ]),
        .plain("idle", [
            .duration("natural_break", \.schedule.away.naturalBreak, in: .seconds(60) ... .seconds(2 * 3600)),
            .duration("routine_break", \.schedule.away.routineBreak, in: .seconds(60) ... .seconds(8 * 3600)),
            .duration("grace", \.schedule.away.grace, in: .zero ... .seconds(10 * 60)),
            idleThreshold,
            // Its name before the Wayland and X11 sources used it too.
            idleThreshold.oldName("mutter_idle_after"),
            .choice("logind_idle", \.schedule.away.logindIdle, hints: policyHints),
            .choice("lock", \.schedule.away.lock, hints: policyHints),
            .choice("sleep", \.schedule.away.sleep, hints: policyHints),
            .choice("mutter_idle", \.schedule.away.mutterIdle, hints: policyHints),
            .choice("wayland_idle", \.schedule.away.waylandIdle, hints: policyHints),
            .choice("x11_idle", \.schedule.away.x11Idle, hints: policyHints),
            .choice("screensaver", \.schedule.away.screensaver, hints: policyHints),
        ], check: { read, reporter, c in
            checkBreakLengths(read, &reporter, c)
            checkOneThreshold(read, &reporter, c)
        }),
        .plain("hold", [
            .duration("quiet_after", \.schedule.hold.quietAfter, in: .seconds(30 * 60) ... .seconds(8 * 3600)),
            .choice("dnd_server", \.schedule.hold.dndServer, hints: holdHints),
            .choice("gnome_banners", \.schedule.hold.gnomeBanners, hints: holdHints),
            .choice("dunst_paused", \.schedule.hold.dunstPaused, hints: holdHints),
            .choice("inhibitor", \.schedule.hold.inhibitor, hints: holdHints),
            .choice("camera", \.schedule.hold.camera, hints: holdHints),
            .choice("natural_pause", \.schedule.hold.naturalPause, hints: holdHints),
            .duration("natural_pause_length", \.schedule.hold.naturalPauseLength, in: .seconds(2) ... .seconds(2 * 60)),
            .duration("natural_pause_max", \.schedule.hold.naturalPauseMax, in: .seconds(30) ... .seconds(15 * 60)),
        ]),
    ] + CoachSchema.settings + [
        HooksSchema.section,
        WorkHoursSchema.section,
    ] + CoachSchema.lists

    /// Rules that need the whole file read first (a routine naming an exercise defined
    /// further down, say); they run after every section, in this order.
    static let checks: [@Sendable (TOMLTable, inout Reporter, LimberConfiguration) -> Void] = [
        CoachSchema.checkReferences,
    ]

    /// No input for this long is time away, for every source that watches input.
    static let idleThreshold = Field.duration("threshold", \.schedule.away.idleThreshold,
                                              in: .seconds(10) ... .seconds(3600))

    /// What people are likely to write instead of a policy name.
    static let policyHints = [
        "true": "write \"count\" to count time away as a break, or \"ignore\"",
        "false": "write \"ignore\" to leave this source out, or \"pause\"",
        "off": "write \"ignore\" to leave this source out",
        "on": "write \"count\"",
        "yes": "write \"count\"",
        "no": "write \"ignore\"",
    ]

    /// What people are likely to write instead of "on" or "off".
    static let holdHints = [
        "true": "write \"on\"", "false": "write \"off\"", "yes": "write \"on\"", "no": "write \"off\"",
        "count": "a hold is \"on\" or \"off\"", "ignore": "write \"off\"",
    ]

    /// Reads the root table into `base`, reporting every problem.
    static func decode(_ root: TOMLTable, into base: LimberConfiguration,
                       reporter: inout Reporter) -> LimberConfiguration {
        var configuration = base
        for entry in root {
            if let section = sections.first(where: { $0.name == entry.key }) {
                if let decodeList = section.decodeList {
                    guard let array = Values.listOfTables(entry, &reporter) else { continue }
                    decodeList(array, &reporter, &configuration)
                    continue
                }
                guard case .table(let table) = entry.value else {
                    reporter.error("expected a table [\(entry.key)], found \(entry.value.typeDescription) "
                                   + "(write [\(entry.key)] on a line of its own, with its keys below it)",
                                   at: entry.valuePosition)
                    continue
                }
                section.decode(table, &reporter, &configuration)
            } else {
                reportUnknownTopLevel(entry, reporter: &reporter)
            }
        }
        for check in checks {
            check(root, &reporter, configuration)
        }
        return configuration
    }

    /// The configuration as TOML, one section after the other; with `notingDefaults`, a
    /// comment on each line that differs from the built-in default says what the default is.
    static func encode(_ configuration: LimberConfiguration, notingDefaults: Bool) -> String {
        var blocks: [String] = []
        for section in sections {
            if let encodeList = section.encodeList {
                let text = encodeList(configuration)
                if !text.isEmpty { blocks.append(text) }
                continue
            }
            let pairs = section.encode(configuration)
            let defaults = section.encode(.defaults)
            var lines = ["[\(section.name)]"]
            let sameKeys = pairs.map(\.key) == defaults.map(\.key)
            if notingDefaults, !sameKeys {
                lines.append("# default: " + defaults.map { "\($0.key) = \($0.value)" }.joined(separator: ", "))
            }
            for (i, pair) in pairs.enumerated() {
                var line = "\(pair.key) = \(pair.value)"
                if notingDefaults, sameKeys, defaults[i].value != pair.value {
                    line += "  # default: \(defaults[i].value)"
                }
                lines.append(line)
            }
            blocks.append(lines.joined(separator: "\n") + "\n")
        }
        return blocks.joined(separator: "\n")
    }

    /// "section.key" for every setting of `configuration` that differs from `base`; a
    /// section written with other keys (work hours) is named as a whole.
    static func differences(_ configuration: LimberConfiguration, from base: LimberConfiguration) -> [String] {
        var names: [String] = []
        for section in sections {
            if let encodeList = section.encodeList {
                if encodeList(configuration) != encodeList(base) { names.append(section.name) }
                continue
            }
            let pairs = section.encode(configuration)
            let others = section.encode(base)
            if pairs.map(\.key) != others.map(\.key) {
                names.append(section.name)
                continue
            }
            for (a, b) in zip(pairs, others) where a.value != b.value {
                names.append("\(section.name).\(a.key)")
            }
        }
        return names
    }

    // MARK: Unknown keys

    static func reportUnknownKey(_ entry: TOMLEntry, inSection name: String, reporter: inout Reporter) {
        let known = sections.first { $0.name == name }?.keys ?? []
        let homes = sections.filter { $0.decodeList == nil && $0.keys.contains(entry.key) }.map { "[\($0.name)]" }
        Values.reportUnknownKey(entry, in: "[\(name)]", keys: known,
                                otherwise: homes.isEmpty ? nil : "; it belongs in \(listed(homes, conjunction: "or"))",
                                &reporter)
    }

    static func reportUnknownTopLevel(_ entry: TOMLEntry, reporter: inout Reporter) {
        let names = sections.map(\.name)
        func header(_ name: String) -> String {
            sections.first { $0.name == name }?.decodeList != nil ? "[[\(name)]]" : "[\(name)]"
        }
        let all = listed(names.map(header))
        let isTables: Bool
        switch entry.value {
        case .table: isTables = true
        case .array(let a): isTables = a.isArrayOfTables
        default: isTables = false
        }
        if isTables {
            let written = entry.value.tableValue != nil ? "[\(entry.key)]" : "[[\(entry.key)]]"
            var message = "unknown section \(written)"
            if let suggestion = Suggest.suggestion(for: entry.key, in: names, quote: header) {
                message += suggestion
            } else {
                message += "; the sections are \(all)"
            }
            reporter.error(message, at: entry.keyPosition)
            return
        }
        var message = "unknown key '\(entry.key)' at the top level"
        if let home = sections.first(where: { $0.keys.contains(entry.key) }) {
            message += "; it belongs in [\(home.name)]"
        } else if let suggestion = Suggest.suggestion(for: entry.key, in: allKeys, quote: { key in
            "'\(key)' in [\(sections.first { $0.keys.contains(key) }?.name ?? "")]"
        }) {
            message += suggestion
        } else if let suggestion = Suggest.suggestion(for: entry.key, in: names, quote: { "the section [\($0)]" }) {
            message += suggestion
        } else {
            message += "; settings go in the sections \(all)"
        }
        reporter.error(message, at: entry.keyPosition)
    }

    /// Every key of every section, each once, for suggestions. [hooks] is left out: its keys
    /// are event names ("snoozed"), closer to a mistyped setting ("snooze") than the setting.
    private static var allKeys: [String] {
        var seen: Set<String> = []
        return sections.filter { $0.name != "hooks" }.flatMap(\.keys).filter { seen.insert($0).inserted }
    }

    // MARK: Rules across keys

    /// routine_break may not be below natural_break: a break that restarts the routine also
    /// restarts the posture interval.
    static func checkBreakLengths(_ read: ReadKeys, _ reporter: inout Reporter, _ c: LimberConfiguration) {
        guard !read.rejected.contains("natural_break"), !read.rejected.contains("routine_break") else { return }
        let natural = c.schedule.away.naturalBreak, routine = c.schedule.away.routineBreak
        guard routine < natural else { return }
        let naturalText = DurationText.format(natural), routineText = DurationText.format(routine)
        switch (read.accepted["natural_break"], read.accepted["routine_break"]) {
        case let (naturalEntry?, routineEntry?):
            reporter.error("routine_break (\(routineText)) is below natural_break (\(naturalText)); make it at "
                           + "least as long (equal: every natural break counts as the routine)",
                           at: routineEntry.valuePosition,
                           notes: [("natural_break is set here", naturalEntry.valuePosition)])
        case let (naturalEntry?, nil):
            reporter.error("natural_break (\(naturalText)) is above routine_break (\(routineText), the default); "
                           + "set routine_break too", at: naturalEntry.valuePosition)
        case let (nil, routineEntry?):
            reporter.error("routine_break (\(routineText)) is below natural_break (\(naturalText), the default); "
                           + "set natural_break too", at: routineEntry.valuePosition)
        case (nil, nil):
            break
        }
    }

    /// threshold and its old name mutter_idle_after are one setting: written twice, the file
    /// would say two things.
    static func checkOneThreshold(_ read: ReadKeys, _ reporter: inout Reporter, _ c: LimberConfiguration) {
        guard let new = read.accepted["threshold"], let old = read.accepted["mutter_idle_after"] else { return }
        reporter.error("mutter_idle_after is the old name of threshold, which is set too; remove mutter_idle_after",
                       at: old.keyPosition, notes: [("threshold is set here", new.keyPosition)])
    }

    /// interval_min may not be above interval_max: point at both when both are written.
    static func checkPostureWindow(_ read: ReadKeys, _ reporter: inout Reporter, _ c: LimberConfiguration) {
        guard !read.rejected.contains("interval_min"), !read.rejected.contains("interval_max") else { return }
        let low = c.schedule.postureMin, high = c.schedule.postureMax
        guard low > high else { return }
        let lowText = DurationText.format(low), highText = DurationText.format(high)
        switch (read.accepted["interval_min"], read.accepted["interval_max"]) {
        case let (minEntry?, maxEntry?):
            reporter.error("interval_min (\(lowText)) is above interval_max (\(highText))",
                           at: minEntry.valuePosition,
                           notes: [("interval_max is set here", maxEntry.valuePosition)])
        case let (minEntry?, nil):
            reporter.error("interval_min (\(lowText)) is above interval_max (\(highText), the default); "
                           + "set interval_max too", at: minEntry.valuePosition)
        case let (nil, maxEntry?):
            reporter.error("interval_max (\(highText)) is below interval_min (\(lowText), the default); "
                           + "set interval_min too", at: maxEntry.valuePosition)
        case (nil, nil):
            break  // the defaults themselves are in order
        }
    }
}
