import LimberCatalog
import LimberCore

/// What a reminder or a guided step says: text from the exercise catalog, laid out as
/// notifications. Pure functions of their inputs.
public enum PromptContent {
    /// What a reminder shows, chosen by the coach from the catalog.
    public enum Chosen: Sendable, Equatable {
        case cue(Cue)
        case routine(ResolvedRoutine)
        /// Nothing in the catalog fits (no cue, or no routine for the equipment and places).
        case plain
    }

    /// Said when no routine fits the configured equipment and places.
    static let plainRoutine = "Stand up for a minute or two: walk a few steps, roll your shoulders, turn your chest "
        + "to each side."
    /// Said when there are no cues.
    static let plainCue = "Sit back, let your shoulders drop, and bring your screen and keyboard to you rather than "
        + "leaning towards them."

    /// The notification for a reminder.
    public static func notification(for p: Prompt, showing chosen: Chosen, snoozeDefault: Duration,
                                    expiry: NotificationContent.Expiry,
                                    urgency: NotificationContent.Urgency = .normal) -> NotificationContent {
        let prefix = p.isFinal ? "Last reminder: " : p.show > 1 ? "Reminder: " : ""
        var summary: String
        var body: String
        var actions: [NotificationContent.Action] = []
        switch (p.kind, chosen) {
        case (.posture, .cue(let cue)):
            summary = prefix + "Posture check"
            body = cue.text
        case (.posture, _):
            summary = prefix + "Posture check"
            body = plainCue
        case (.routine, .routine(let r)):
            summary = prefix + "Time to move: \(r.title) (\(r.minutes) min)"
            body = routineText(r)
            actions.append(.init(key: "start", label: "Start"))
        case (.routine, _):
            summary = prefix + "Time to move"
            body = plainRoutine + "\n" + Safety.gentle
        }
        actions += [.init(key: "default", label: "Done"), .init(key: "done", label: "Done")]
        if p.snoozesLeft > 0 {
            actions.append(.init(key: "snooze", label: "Snooze \(formatDuration(snoozeDefault))"))
        }
        actions.append(.init(key: "skip", label: "Skip"))
        var content = NotificationContent(summary: summary, body: body,
                                          urgency: p.isFinal ? .critical : p.quiet ? .low : urgency,
                                          expiry: expiry, actions: actions, category: "x-limber.\(p.kind.rawValue)")
        content.quiet = p.quiet
        return content
    }

    /// A routine as a notification body: what it is for, each exercise with its dose, and the
    /// safety line.
    public static func routineText(_ r: ResolvedRoutine) -> String {
        var lines: [String] = []
        if let about = r.routine.about { lines.append(about) }
        for (i, step) in r.steps.enumerated() {
            lines.append("\(i + 1). \(step.exercise.name): \(step.dose.text)")
        }
        lines.append(Safety.gentle)
        return lines.joined(separator: "\n")
    }

    /// The notification for step `index` of a guided routine.
    public static func guideStep(_ w: Walkthrough, index: Int) -> NotificationContent {
        let step = w.steps[index]
        let summary = "\(index + 1)/\(w.steps.count) \(step.exerciseName): \(step.detail)"
        var lines = ["\(w.title), step \(index + 1) of \(w.steps.count)"]
        lines += step.how.enumerated().map { "\($0.offset + 1). \($0.element)" }
        var actions: [NotificationContent.Action] = []
        switch step.kind {
        case .counted:
            lines.append("Press Next (or run 'limber next') when you are done.")
            actions = [.init(key: "default", label: "Next"), .init(key: "next", label: "Next")]
        case .timed(let seconds):
            lines.append("Moves on by itself after \(formatSeconds(seconds)); Next moves on sooner.")
            actions = [.init(key: "next", label: "Next")]
        }
        lines.append(Safety.gentle)
        actions.append(.init(key: "stop", label: "Stop"))
        return NotificationContent(summary: summary, body: lines.joined(separator: "\n"), urgency: .normal,
                                   expiry: .never, actions: actions, category: "x-limber.guide",
                                   progress: w.progress(at: index), resident: true)
    }

    /// The notification that replaces the last step when the routine is done.
    public static func guideDone(_ w: Walkthrough, next: String) -> NotificationContent {
        NotificationContent(summary: "Done: \(w.title)",
                            body: "All \(w.steps.count) steps, well done. It counts as your break; \(next).",
                            urgency: .low, expiry: .after(.seconds(30)), category: "x-limber.guide", progress: 100)
    }
}
