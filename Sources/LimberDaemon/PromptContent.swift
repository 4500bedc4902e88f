import LimberCatalog
import LimberCore

/// What a reminder or a guided step says: text from the exercise catalog, laid out as
/// notifications. Pure functions of their inputs.
public enum PromptContent {
    /// What a reminder shows, chosen by the coach from the catalog.
    public typealias Chosen = ReminderContent

    /// A coach notification. `next`: what comes next in the schedule (said when a routine is done).
    public static func coach(_ notice: CoachNotice, next: @autoclosure () -> String,
                             urgency: NotificationContent.Urgency,
                             expiry: NotificationContent.Expiry) -> NotificationContent {
        switch notice {
        case .safety: safetyNotice
        case .guideStep(let w, let index, let sound): guideStep(w, index: index, sound: sound)
        case .guideDone(let w, let sound): guideDone(w, next: next(), sound: sound)
        case .guideStoppedByRestart: guideStoppedByRestart
        case .dailyOffer(let r, let snooze): dailyOffer(r, urgency: urgency, snooze: snooze)
        case .standing(let block): standingBlock(block, urgency: urgency, expiry: expiry)
        case .standingDone(let block): standingDone(block)
        case .stepUp(let plan): stepUp(stepUpText(plan))
        }
    }

    /// Said when no routine fits the configured equipment and places.
    static let plainRoutine = "Stand up for a minute or two: walk a few steps, roll your shoulders, turn your chest "
        + "to each side."
    /// Said when there are no cues.
    static let plainCue = "Sit back and let your shoulders drop; bring the screen and keyboard to you."

    /// The notification for a reminder.
    ///
    /// The summary says what to do and for how long; the first body lines say the rest (the
    /// safety line first for a routine, where every server shows it); the full steps are
    /// one command away. A click (the default action) snoozes: a click meant to dismiss
    /// never counts as a break. The last reminder has no click action.
    public static func notification(for p: Prompt, showing chosen: Chosen, snoozeDefault: Duration,
                                    expiry: NotificationContent.Expiry,
                                    urgency: NotificationContent.Urgency = .normal) -> NotificationContent {
        let prefix = p.isFinal ? "Last call: " : p.show > 1 ? "Again: " : ""
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
            summary = NotificationText.summary(prefix + "Time to move: " + r.title, "\(r.minutes) min")
            body = routineText(r)
            actions.append(.init(key: "start", label: "Start"))
        case (.routine, _):
            summary = prefix + "Time to move · 2 min"
            body = NotificationText.safetyLine + "\n" + plainRoutine
        }
        actions.append(.init(key: "done", label: "Done"))
        if p.snoozesLeft > 0 {
            let label = "Snooze \(formatDuration(snoozeDefault))"
            actions.append(.init(key: "snooze", label: label))
            actions.insert(.init(key: "default", label: label), at: 0)
        }
        actions.append(.init(key: "skip", label: "Skip"))
        var content = NotificationContent(summary: summary, body: body,
                                          urgency: p.isFinal ? .critical : p.quiet ? .low : urgency,
                                          expiry: expiry, actions: actions, category: "x-limber.\(p.kind.rawValue)")
        content.quiet = p.quiet
        return content
    }

    /// A routine as a notification body: the safety line, each exercise with its dose, and
    /// where the full steps are.
    public static func routineText(_ r: ResolvedRoutine) -> String {
        var lines = [NotificationText.safetyLine]
        for (i, step) in r.steps.enumerated() {
            lines.append("\(i + 1). \(step.exercise.name): \(step.dose.text)")
        }
        lines.append("How: limber routines show \(r.id)")
        return lines.joined(separator: "\n")
    }

    /// A step's dose, short for the summary: "right · 30 s", "10× · hold 3 s",
    /// "8 each side · hold 2 s" (the set is in the body).
    static func shortDetail(_ step: GuidedStep) -> String {
        var d = step.detail
        if let set = d.firstRange(of: " (set ") { d = String(d[..<set.lowerBound]) }
        for side in ["right", "left"] {
            for form in ["\(side) side, hold ", "\(side) side, "] where d.hasPrefix(form) {
                return side + " · " + d.dropFirst(form.count)
            }
        }
        var parts = d.split(separator: ", hold ", omittingEmptySubsequences: false).map(String.init)
        if parts[0].hasSuffix(" times") { parts[0] = parts[0].dropLast(" times".count) + "×" }
        guard parts.count == 2 else { return parts[0] }
        let hold = parts[1].hasSuffix(" each") ? String(parts[1].dropLast(" each".count)) : parts[1]
        return parts[0] + " · hold " + hold
    }

    /// The sound a timed step's end and the routine's end make ("sound-name").
    public static let stepEndSound = "complete"

    /// The notification for step `index` of a guided routine. No click action: a click
    /// meant to dismiss must not move through the routine (and so count it as a break).
    /// `sound`: a timed step just ended by itself, so this one makes a sound (the user may be
    /// in a doorway, not looking at the screen).
    public static func guideStep(_ w: Walkthrough, index: Int, sound: Bool = false) -> NotificationContent {
        let step = w.steps[index]
        let short = shortDetail(step)
        let summary = NotificationText.summary(step.exerciseName, short)
        // The first lines fit mako's three: where we are, then the safety line.
        var first = "Step \(index + 1)/\(w.steps.count)"
        if let set = step.detail.firstRange(of: " (set ") {
            first += " · set " + step.detail[set.upperBound...].prefix { $0 != ")" }.replacing(" of ", with: "/")
        }
        if index == 0 { first += " · \(w.title)" }
        var lines = [NotificationText.fit(first, 36), NotificationText.safetyLine]  // one line on mako
        if summary != step.exerciseName + " · " + short {
            lines.append("\(step.exerciseName): \(step.detail)")  // the summary was cut
        }
        lines += step.how.enumerated().map { "\($0.offset + 1). \($0.element)" }
        var actions: [NotificationContent.Action] = []
        switch step.kind {
        case .counted:
            lines.append("Next (or 'limber next') when you are done.")
        case .timed(let seconds):
            lines.append("Moves on by itself after \(formatSeconds(seconds)); Next moves on sooner.")
        }
        actions = [.init(key: "next", label: "Next"), .init(key: "stop", label: "Stop")]
        var content = NotificationContent(summary: summary, body: lines.joined(separator: "\n"), urgency: .normal,
                                          expiry: .never, actions: actions, category: "x-limber.guide",
                                          progress: w.progress(at: index), resident: true)
        if sound { content.sound = stepEndSound }
        return content
    }

    /// The note that replaces the last step when the routine is done: it goes by itself.
    /// `sound`: it makes the routine's end sound.
    public static func guideDone(_ w: Walkthrough, next: String, sound: Bool = false) -> NotificationContent {
        var content = NotificationContent(
            summary: NotificationText.fit("Done: \(w.title)", NotificationText.summaryLimit),
            body: "All \(w.steps.count) steps, well done. It counts as your break; \(next).",
            urgency: .low, expiry: .after(.seconds(30)), category: "x-limber.guide", transient: true)
        if sound { content.sound = stepEndSound }
        return content
    }

    /// Replaces a walkthrough's notification left from before a restart.
    public static let guideStoppedByRestart = NotificationContent(
        summary: "Routine stopped", body: "limberd restarted; 'limber start' begins a routine again.",
        urgency: .low, expiry: .after(.seconds(5)), category: "x-limber.guide", transient: true)

    /// The daily routine offer, answered like a reminder. No click action: Start, Snooze
    /// (`snooze`, while snoozes are left) or Not today, or the CLI's start, snooze and skip.
    public static func dailyOffer(_ r: ResolvedRoutine, urgency: NotificationContent.Urgency,
                                  snooze: Duration? = nil) -> NotificationContent {
        var actions: [NotificationContent.Action] = [.init(key: "start", label: "Start")]
        if let snooze { actions.append(.init(key: "snooze", label: "Snooze \(formatDuration(snooze))")) }
        actions.append(.init(key: "skip", label: "Not today"))
        return NotificationContent(
            summary: NotificationText.summary("Daily routine: \(r.title)", "\(r.minutes) min"), body: routineText(r),
            urgency: urgency, expiry: .never, actions: actions, category: "x-limber.daily")
    }

    /// The suggestion to work standing for `block` seconds.
    public static func standingBlock(_ block: Int, urgency: NotificationContent.Urgency,
                                     expiry: NotificationContent.Expiry) -> NotificationContent {
        NotificationContent(
            summary: "Stand for \(formatSeconds(block))",
            body: "Work standing for the next \(formatSeconds(block)); limber tells you when the block is over. "
                + "The blocks grow a little each week, so standing is taken up gradually.",
            urgency: urgency, expiry: expiry,
            actions: [.init(key: "skip", label: "Not now")], category: "x-limber.sit-stand")
    }

    /// The note at the end of a standing block: it goes by itself.
    public static func standingDone(_ block: Int) -> NotificationContent {
        NotificationContent(
            summary: "Standing block done", body: "\(formatSeconds(block)) standing: sit down again whenever you like.",
            urgency: .low, expiry: .after(.seconds(60)), category: "x-limber.sit-stand", transient: true)
    }

    /// Why and how to make the routines harder, after `plan`'s regular weeks.
    public static func stepUpText(_ plan: StepUpPlan) -> String {
        "You have finished routines on at least \(plan.daysPerWeek) days a week for \(plan.weeks) weeks. "
            + "Once they feel easy, make them a little harder: add a set, do rows with a resistance band, or hold "
            + "light dumbbells for the Y and T raises (add what you have to [routine] equipment in your config so "
            + "limber offers it)."
    }

    /// The suggestion to make the routines harder.
    public static func stepUp(_ text: String) -> NotificationContent {
        NotificationContent(summary: "Time to step up", body: NotificationText.safetyLine + "\n" + text,
                            urgency: .low, expiry: .serverDefault, category: "x-limber.step-up")
    }

    /// The red flags, once before the first exercise: the first line says what to do.
    public static let safetyNotice = NotificationContent(
        summary: Safety.heading, body: "Read 'limber about' before you start.\n" + Safety.notificationBody,
        urgency: .normal, expiry: .serverDefault, category: "x-limber.safety")
}
