import LimberCatalog
import LimberCore
import TOML

/// How reminders look as desktop notifications.
public struct NotificationSettings: Sendable, Equatable {
    /// The urgency of a reminder's first showings; the last re-show is always critical.
    public enum Urgency: String, Sendable, CaseIterable {
        case low
        case normal
    }

    /// How long a notification stays on screen.
    public enum Expiry: Sendable, Equatable {
        /// The notification server decides.
        case serverDefault
        /// Until it is answered or closed.
        case never
        /// For this long.
        case after(Duration)
    }

    /// The urgency of the first showings.
    public var urgency: Urgency
    /// How long each showing stays on screen.
    public var expire: Expiry
    /// A short sound when a timed step of a guided routine ends and when the routine is done,
    /// on notification servers that play sounds.
    public var sound: Bool

    /// Creates notification settings; the arguments default to the built-in defaults.
    public init(urgency: Urgency = .normal, expire: Expiry = .serverDefault, sound: Bool = true) {
        self.urgency = urgency
        self.expire = expire
        self.sound = sound
    }

    /// The built-in defaults: normal urgency, the server's expiry, sounds on.
    public static let defaults = NotificationSettings()
}

/// What `limber stats` measures against.
public struct StatsSettings: Sendable, Equatable {
    /// The share of due reminders a day must see done to count towards a streak, 0.1 to 1.
    public var goal: Double

    /// Creates stats settings; the argument defaults to the built-in default.
    public init(goal: Double = 0.8) {
        self.goal = goal
    }

    /// The built-in defaults: a goal of 80%.
    public static let defaults = StatsSettings()
}

/// The validated contents of limber's configuration file.
public struct LimberConfiguration: Sendable, Equatable {
    /// Intervals, re-shows, snoozes and work hours: what the scheduler is told.
    public var schedule: ScheduleSettings
    /// How reminders are shown.
    public var notifications: NotificationSettings
    /// What `limber stats` measures against.
    public var stats: StatsSettings
    /// Equipment, places and the optional daily routine, sit/stand reminder and step-up.
    public var coach: CoachSettings
    /// The user's own exercises, routines and cues (built-in ones are in `BuiltInCatalog`).
    public var catalog: Catalog
    /// Commands run on events.
    public var hooks: HookSettings = .defaults

    /// Creates a configuration; the arguments default to the built-in defaults.
    public init(schedule: ScheduleSettings = .defaults, notifications: NotificationSettings = .defaults,
                stats: StatsSettings = .defaults, coach: CoachSettings = .defaults, catalog: Catalog = Catalog()) {
        self.schedule = schedule
        self.notifications = notifications
        self.stats = stats
        self.coach = coach
        self.catalog = catalog
    }

    /// The built-in defaults: what limberd uses without a configuration file.
    public static let defaults = LimberConfiguration()

    /// Parses and validates a configuration file's bytes, reporting every problem found.
    ///
    /// `fileName` is only used to render diagnostics ("config.toml:12:9: error: ...").
    /// Settings the file leaves out keep their built-in defaults.
    public static func load(_ bytes: [UInt8], fileName: String) -> Result<LimberConfiguration, ConfigDiagnostics> {
        let document: TOMLDocument
        do {
            document = try TOMLDocument(parsing: bytes)
        } catch {
            let diagnostic = ConfigDiagnostic(line: error.line, column: error.column, message: error.message,
                                              sourceLine: error.sourceLine)
            return .failure(ConfigDiagnostics(fileName: fileName, errors: [diagnostic]))
        }
        var reporter = Reporter(source: bytes)
        let configuration = Schema.decode(document.root, into: .defaults, reporter: &reporter)
        if reporter.errors.isEmpty {
            return .success(configuration)
        }
        return .failure(ConfigDiagnostics(fileName: fileName, errors: reporter.errors, unlisted: reporter.unlisted, source: bytes))
    }

    /// Parses and validates configuration text; see `load(_:fileName:)`.
    public static func load(_ text: String, fileName: String) -> Result<LimberConfiguration, ConfigDiagnostics> {
        load(Array(text.utf8), fileName: fileName)
    }
}

extension LimberConfiguration {
    /// Every setting as TOML, defaults included, that `load` reads back to this value.
    ///
    /// With `notingDefaults`, a line whose value differs from the built-in default ends in a
    /// comment giving the default (`interval = "2h"  # default: "1h"`).
    public func tomlText(notingDefaults: Bool = true) -> String {
        Schema.encode(self, notingDefaults: notingDefaults)
    }

    /// The settings that differ from `base`, as "section.key" ("work_hours" for work hours).
    public func differences(from base: LimberConfiguration = .defaults) -> [String] {
        Schema.differences(self, from: base)
    }
}
