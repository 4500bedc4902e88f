import LimberCore

/// What a reminder says. A small built-in set until the exercise catalog lands; every text is
/// our own wording of the physiotherapy guidance in shared/seeds.
public enum PromptContent {
    /// One-line cues, shown with posture checks in rotation.
    public static let postureCues = [
        "Raise or tilt the screen until your eyes meet its top third; looking down for hours loads the neck and upper back.",
        "Knees about level with your hips, and something behind the curve of your lower back, so the upper back need not slump.",
        "Pull keyboard and mouse in close: elbows resting by your sides, shoulders loose, no reaching forward.",
        "Let your shoulders sink away from your ears, then ease the shoulder blades back and down.",
        "Five slow breaths into the belly, one hand on the chest and one on the belly: only the lower hand should rise.",
        "Stand up for a minute: walk a few steps, swing your arms, turn your chest left and right.",
    ]

    /// A short movement routine: a title, its length, and its steps.
    public struct Routine: Sendable {
        public var title: String
        public var minutes: Int
        public var steps: [String]
    }

    public static let routines = [
        Routine(title: "Desk reset", minutes: 2, steps: [
            "Sit tall, arms crossed on your chest; turn your chest to one side, hips still, hold 2–3 s. 10 per side.",
            "Draw the shoulder blades back and down, hold 3–5 s, let go slowly. 10 times.",
            "Five slow belly breaths.",
        ]),
        Routine(title: "Doorway opener", minutes: 3, steps: [
            "Forearm on a door frame, elbow bent to a right angle; step through until the chest stretches gently. 30 s, twice per side.",
            "Standing tall, squeeze the shoulder blades together and hold 3–5 s. 10 times.",
            "Arms crossed, rotate the chest right and left. 10 per side.",
        ]),
        Routine(title: "Up and about", minutes: 1, steps: [
            "Stand up and walk for half a minute.",
            "Roll the shoulders backwards 10 times.",
            "Swing the arms loosely and turn the upper body side to side.",
        ]),
    ]

    /// Said with every routine.
    public static let safety = "Move gently; stop if anything hurts sharply."

    /// The notification for a prompt.
    public static func notification(for p: Prompt, snoozeDefault: Duration, expiry: NotificationContent.Expiry,
                                    urgency: NotificationContent.Urgency = .normal) -> NotificationContent
    {
        let prefix = p.isFinal ? "Last reminder: " : p.show > 1 ? "Reminder: " : ""
        let summary: String
        let body: String
        switch p.kind {
        case .posture:
            summary = prefix + "Posture check"
            body = postureCues[p.serial % postureCues.count]
        case .routine:
            let r = routines[p.serial % routines.count]
            summary = prefix + "Time to move: \(r.title) (\(r.minutes) min)"
            body = r.steps.enumerated().map { "\($0.offset + 1). \($0.element)" }.joined(separator: "\n")
                + "\n" + safety
        }
        var actions = [NotificationContent.Action(key: "default", label: "Done"),
                       NotificationContent.Action(key: "done", label: "Done")]
        if p.snoozesLeft > 0 {
            actions.append(NotificationContent.Action(key: "snooze", label: "Snooze \(formatDuration(snoozeDefault))"))
        }
        actions.append(NotificationContent.Action(key: "skip", label: "Skip"))
        return NotificationContent(summary: summary, body: body, urgency: p.isFinal ? .critical : urgency,
                                   expiry: expiry, actions: actions, category: "x-limber.\(p.kind.rawValue)")
    }
}
