// Saved state is JSON with durations in whole milliseconds, so the file stays readable and
// independent of Duration's own Codable form.

private struct Millis: Codable, Equatable {
    var value: Int64
    init(_ d: Duration) {
        value = d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000
    }
    var duration: Duration { .milliseconds(value) }
    init(from decoder: Decoder) throws { value = try decoder.singleValueContainer().decode(Int64.self) }
    func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(value)
    }
}

extension ReminderTimer: Codable {
    enum CodingKeys: String, CodingKey { case elapsedMs = "elapsed_ms", intervalMs = "interval_ms", snoozes }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        elapsed = try c.decode(Millis.self, forKey: .elapsedMs).duration
        interval = try c.decode(Millis.self, forKey: .intervalMs).duration
        snoozes = try c.decode(Int.self, forKey: .snoozes)
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(Millis(elapsed), forKey: .elapsedMs)
        try c.encode(Millis(interval), forKey: .intervalMs)
        try c.encode(snoozes, forKey: .snoozes)
    }
}

extension PromptState: Codable {
    enum CodingKeys: String, CodingKey {
        case id, kind, shows, serial
        case firstShownWallMs = "first_shown_wall_ms", nextActionMonotonicMs = "next_action_monotonic_ms"
    }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(UInt64.self, forKey: .id)
        kind = try c.decode(ReminderKind.self, forKey: .kind)
        shows = try c.decode(Int.self, forKey: .shows)
        serial = try c.decode(Int.self, forKey: .serial)
        firstShownWall = try c.decode(Millis.self, forKey: .firstShownWallMs).duration
        nextActionAt = try c.decode(Millis.self, forKey: .nextActionMonotonicMs).duration
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(kind, forKey: .kind)
        try c.encode(shows, forKey: .shows)
        try c.encode(serial, forKey: .serial)
        try c.encode(Millis(firstShownWall), forKey: .firstShownWallMs)
        try c.encode(Millis(nextActionAt), forKey: .nextActionMonotonicMs)
    }
}

extension PauseState: Codable {
    enum CodingKeys: String, CodingKey { case untilWallMs = "until_wall_ms" }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        until = try c.decodeIfPresent(Millis.self, forKey: .untilWallMs)?.duration
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(until.map(Millis.init), forKey: .untilWallMs)
    }
}

extension SchedulerState: Codable {
    enum CodingKeys: String, CodingKey {
        case posture, routine, prompt, pause, rng, today
        case anchorMonotonicMs = "anchor_monotonic_ms", anchorWallMs = "anchor_wall_ms"
        case anchorUTCOffset = "anchor_utc_offset", nextPromptID = "next_prompt_id"
        case postureSerial = "posture_serial", routineSerial = "routine_serial"
    }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        posture = try c.decode(ReminderTimer.self, forKey: .posture)
        routine = try c.decode(ReminderTimer.self, forKey: .routine)
        prompt = try c.decodeIfPresent(PromptState.self, forKey: .prompt)
        pause = try c.decodeIfPresent(PauseState.self, forKey: .pause)
        rng = try c.decode(SplitMix64.self, forKey: .rng)
        anchorMonotonic = try c.decode(Millis.self, forKey: .anchorMonotonicMs).duration
        anchorWall = try c.decode(Millis.self, forKey: .anchorWallMs).duration
        anchorUTCOffset = try c.decode(Int.self, forKey: .anchorUTCOffset)
        nextPromptID = try c.decode(UInt64.self, forKey: .nextPromptID)
        postureSerial = try c.decode(Int.self, forKey: .postureSerial)
        routineSerial = try c.decode(Int.self, forKey: .routineSerial)
        today = try c.decode(DayCounts.self, forKey: .today)
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(posture, forKey: .posture)
        try c.encode(routine, forKey: .routine)
        try c.encodeIfPresent(prompt, forKey: .prompt)
        try c.encodeIfPresent(pause, forKey: .pause)
        try c.encode(rng, forKey: .rng)
        try c.encode(Millis(anchorMonotonic), forKey: .anchorMonotonicMs)
        try c.encode(Millis(anchorWall), forKey: .anchorWallMs)
        try c.encode(anchorUTCOffset, forKey: .anchorUTCOffset)
        try c.encode(nextPromptID, forKey: .nextPromptID)
        try c.encode(postureSerial, forKey: .postureSerial)
        try c.encode(routineSerial, forKey: .routineSerial)
        try c.encode(today, forKey: .today)
    }
}
