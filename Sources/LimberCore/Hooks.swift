/// An event a `[hooks]` command can run on.
public enum HookEvent: String, Sendable, CaseIterable, Equatable {
    /// A reminder came due: its first showing (or, with no notification server to show it,
    /// its coming due), or a showing after it was withdrawn.
    case due
    case done
    case snoozed
    case skipped
    /// Shown and re-shown without an answer.
    case missed
    /// Time away long enough to count as a break.
    case naturalBreak = "natural_break"
    /// A guided routine moved to a step.
    case guidedStep = "guided_step"
}

/// Commands limberd runs on events (`[hooks]`), and how long each may take.
public struct HookSettings: Sendable, Equatable {
    /// The shell command per event; an event without one runs nothing.
    public var commands: [HookEvent: String]
    /// How long a hook may run before limberd kills it.
    public var timeout: Duration

    /// Creates hook settings; the arguments default to the built-in defaults (no hooks, 10 s).
    public init(commands: [HookEvent: String] = [:], timeout: Duration = .seconds(10)) {
        self.commands = commands
        self.timeout = timeout
    }

    /// The command for `event`, nil when none is set.
    public func command(for event: HookEvent) -> String? {
        guard let c = commands[event], !c.isEmpty else { return nil }
        return c
    }

    /// The built-in defaults: no hooks.
    public static let defaults = HookSettings()

    /// The longest command accepted, in bytes: a command line, not a script.
    public static let maxCommandBytes = 4096
    /// The range of `timeout`.
    public static let timeoutRange = Duration.seconds(1) ... Duration.seconds(600)
}

/// One hook to run: which event, and the environment that describes it.
public struct HookInvocation: Sendable, Equatable {
    public var event: HookEvent
    /// `LIMBER_*` variables, sorted by name.
    public var environment: [(name: String, value: String)]

    public init(event: HookEvent, environment: [(name: String, value: String)]) {
        self.event = event
        self.environment = environment.sorted { $0.name < $1.name }
    }

    public static func == (a: HookInvocation, b: HookInvocation) -> Bool {
        a.event == b.event && a.environment.elementsEqual(b.environment) { $0 == $1 }
    }

    /// The value of one variable, if set.
    public func value(_ name: String) -> String? { environment.first { $0.name == name }?.value }
}

/// Which events run which hooks, and what the command is told: the engine only carries
/// these out (spawns, reaps, logs).
public enum HookRules {
    /// The hook a history record calls for, if any. `routine` is the routine a routine
    /// reminder shows (the record of a `done` carries its own when one was walked through).
    public static func invocation(for r: HistoryRecord, routine: String? = nil) -> HookInvocation? {
        let event: HookEvent
        switch r.outcome {
        // A reminder that came due is recorded once, shown or (no server showed it) unshown.
        case .shown, .unshown: event = .due
        case .done: event = .done
        case .snoozed: event = .snoozed
        case .skipped: event = .skipped
        case .missed: event = .missed
        case .naturalBreak: event = .naturalBreak
        case .reshown, .withdrawn, .paused, .resumed, .pain: return nil
        }
        var env: [(name: String, value: String)] = [
            ("LIMBER_EVENT", event.rawValue),
            ("LIMBER_TIME", String(r.wall.components.seconds)),
        ]
        if let k = r.kind { env.append(("LIMBER_KIND", k.rawValue)) }
        if let id = r.promptID { env.append(("LIMBER_PROMPT_ID", String(id))) }
        if let name = r.routine ?? (r.kind == .routine ? routine : nil) { env.append(("LIMBER_ROUTINE", name)) }
        switch event {
        case .due:
            if let show = r.show { env.append(("LIMBER_SHOW", String(show))) }
            env.append(("LIMBER_SHOWN", r.outcome == .shown ? "1" : "0"))
        case .done:
            env.append(("LIMBER_EARLY", r.early ? "1" : "0"))
            if r.reason == "guided" { env.append(("LIMBER_GUIDED", "1")) }
        case .snoozed:
            if let l = r.length { env.append(("LIMBER_SNOOZE_SECONDS", String(seconds(l)))) }
        case .naturalBreak:
            if let l = r.length { env.append(("LIMBER_AWAY_SECONDS", String(seconds(l)))) }
            if let sources = r.reason { env.append(("LIMBER_AWAY_SOURCES", sources)) }
        case .skipped, .missed, .guidedStep:
            break
        }
        return HookInvocation(event: event, environment: env)
    }

    /// The hook of a guided routine's step (1-based `step` of `steps`).
    public static func guidedStep(routine: String, title: String, step: Int, steps: Int, text: String,
                                  wall: Duration) -> HookInvocation {
        HookInvocation(event: .guidedStep, environment: [
            ("LIMBER_EVENT", HookEvent.guidedStep.rawValue),
            ("LIMBER_TIME", String(wall.components.seconds)),
            ("LIMBER_KIND", ReminderKind.routine.rawValue),
            ("LIMBER_ROUTINE", routine),
            ("LIMBER_ROUTINE_TITLE", title),
            ("LIMBER_STEP", String(step)),
            ("LIMBER_STEPS", String(steps)),
            ("LIMBER_STEP_TEXT", text),
        ])
    }

    private static func seconds(_ d: Duration) -> Int64 {
        d.components.seconds + (d.components.attoseconds > 0 ? 1 : 0)
    }
}
