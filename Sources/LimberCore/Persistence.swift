// Saved state is JSON with durations in whole milliseconds, so the file stays readable and
// independent of Duration's own Codable form.

private struct Millis: Codable, Equatable {
    var value: Int64
    init(_ d: Duration) {
        // Saturates rather than traps: a value this far out is refused when read back, so the
        // next start sets the file aside instead of crashing on it.
        let (ms, overflow) = d.components.seconds.multipliedReportingOverflow(by: 1000)
        value = overflow ? (d < .zero ? .min : .max) : ms + d.components.attoseconds / 1_000_000_000_000_000
    }
    var duration: Duration { .milliseconds(value) }
    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        value = try c.decode(Int64.self)
        // About 31,700 years either way: far more than any time limber keeps, and far enough
        // from Int64's ends that no sum or conversion of saved values can overflow.
        guard (-1_000_000_000_000_000...1_000_000_000_000_000).contains(value) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "\(value) ms is out of range")
        }
    }
    func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(value)
    }
}

extension ReminderTimer: Codable {
    enum CodingKeys: String, CodingKey {
        case elapsedMs = "elapsed_ms", intervalMs = "interval_ms", snoozes, dueAtMs = "due_at_ms"
    }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        elapsed = try c.decode(Millis.self, forKey: .elapsedMs).duration
        interval = try c.decode(Millis.self, forKey: .intervalMs).duration
        snoozes = try c.decodeCount(forKey: .snoozes)
        // State saved before it existed pushed `elapsed` back instead (negative after a snooze).
        dueAt = try c.decodeIfPresent(Millis.self, forKey: .dueAtMs)?.duration
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(Millis(elapsed), forKey: .elapsedMs)
        try c.encode(Millis(interval), forKey: .intervalMs)
        try c.encode(snoozes, forKey: .snoozes)
        try c.encodeIfPresent(dueAt.map { Millis($0) }, forKey: .dueAtMs)
    }
}

extension PromptState: Codable {
    enum CodingKeys: String, CodingKey {
        case id, kind, shows, serial
        case firstShownWallMs = "first_shown_wall_ms", nextActionMonotonicMs = "next_action_monotonic_ms"
        case held, seen, displayed
        case recordedShow = "recorded_show"
    }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(UInt64.self, forKey: .id)
        kind = try c.decode(ReminderKind.self, forKey: .kind)
        shows = try c.decodeCount(forKey: .shows)
        serial = try c.decodeCount(forKey: .serial)
        firstShownWall = try c.decode(Millis.self, forKey: .firstShownWallMs).duration
        nextActionAt = try c.decode(Millis.self, forKey: .nextActionMonotonicMs).duration
        held = try c.decodeIfPresent(Bool.self, forKey: .held) ?? false
        // State from before limber waited for the server's answer recorded the first showing
        // at once: take it as seen and recorded.
        seen = try c.decodeIfPresent(Bool.self, forKey: .seen) ?? true
        recordedShow = try c.decodeIfPresent(Int.self, forKey: .recordedShow).map { max(0, $0) } ?? shows
        displayed = try c.decodeIfPresent(Bool.self, forKey: .displayed) ?? false
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(kind, forKey: .kind)
        try c.encode(shows, forKey: .shows)
        try c.encode(serial, forKey: .serial)
        try c.encode(Millis(firstShownWall), forKey: .firstShownWallMs)
        try c.encode(Millis(nextActionAt), forKey: .nextActionMonotonicMs)
        if held { try c.encode(held, forKey: .held) }
        try c.encode(seen, forKey: .seen)
        try c.encode(recordedShow, forKey: .recordedShow)
        if displayed { try c.encode(displayed, forKey: .displayed) }
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

extension AwayState: Codable {
    enum CodingKeys: String, CodingKey {
        case sources, seen
        case sinceBootMs = "since_boot_ms", sinceWallMs = "since_wall_ms", sinceUTCOffset = "since_utc_offset"
        case countedMs = "counted_ms", countingSinceMs = "counting_since_ms", countedUntilMs = "counted_until_ms"
    }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        // Sources a later version added and this one does not know are dropped.
        sources = Set(try c.decode([String].self, forKey: .sources).compactMap(AwaySource.init(rawValue:)))
        seen = Set(try c.decode([String].self, forKey: .seen).compactMap(AwaySource.init(rawValue:)))
        sinceBoot = try c.decode(Millis.self, forKey: .sinceBootMs).duration
        sinceWall = try c.decode(Millis.self, forKey: .sinceWallMs).duration
        sinceUTCOffset = try c.decodeOffset(forKey: .sinceUTCOffset)
        counted = try c.decode(Millis.self, forKey: .countedMs).duration
        countingSince = try c.decodeIfPresent(Millis.self, forKey: .countingSinceMs)?.duration
        countedUntil = try c.decodeIfPresent(Millis.self, forKey: .countedUntilMs)?.duration
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(sources.sorted().map(\.rawValue), forKey: .sources)
        try c.encode(seen.sorted().map(\.rawValue), forKey: .seen)
        try c.encode(Millis(sinceBoot), forKey: .sinceBootMs)
        try c.encode(Millis(sinceWall), forKey: .sinceWallMs)
        try c.encode(sinceUTCOffset, forKey: .sinceUTCOffset)
        try c.encode(Millis(counted), forKey: .countedMs)
        try c.encodeIfPresent(countingSince.map(Millis.init), forKey: .countingSinceMs)
        try c.encodeIfPresent(countedUntil.map(Millis.init), forKey: .countedUntilMs)
    }
}

extension SchedulerState: Codable {
    enum CodingKeys: String, CodingKey {
        case posture, routine, prompt, pause, rng, today, away
        case anchorMonotonicMs = "anchor_monotonic_ms", anchorWallMs = "anchor_wall_ms"
        case anchorBoottimeMs = "anchor_boottime_ms"
        case anchorUTCOffset = "anchor_utc_offset", nextPromptID = "next_prompt_id"
        case postureSerial = "posture_serial", routineSerial = "routine_serial"
        case presentSinceBootMs = "present_since_boot_ms", graceUntilMs = "grace_until_monotonic_ms"
        case daily
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
        anchorUTCOffset = try c.decodeOffset(forKey: .anchorUTCOffset)
        nextPromptID = try c.decode(UInt64.self, forKey: .nextPromptID)
        guard nextPromptID < 1 << 53 else {
            throw DecodingError.dataCorruptedError(forKey: .nextPromptID, in: c, debugDescription: "out of range")
        }
        postureSerial = try c.decodeCount(forKey: .postureSerial)
        routineSerial = try c.decodeCount(forKey: .routineSerial)
        today = try c.decode(DayCounts.self, forKey: .today)
        // Absent from state saved before limber knew about time away: no sleep is inferred
        // from the first event after such a restore, and nobody is away.
        anchorBoottime = try c.decodeIfPresent(Millis.self, forKey: .anchorBoottimeMs)?.duration
        away = try c.decodeIfPresent(AwayState.self, forKey: .away)
        presentSinceBoot = try c.decodeIfPresent(Millis.self, forKey: .presentSinceBootMs)?.duration ?? .zero
        graceUntil = try c.decodeIfPresent(Millis.self, forKey: .graceUntilMs)?.duration
        daily = try c.decodeIfPresent(DailyState.self, forKey: .daily)
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
        try c.encodeIfPresent(anchorBoottime.map(Millis.init), forKey: .anchorBoottimeMs)
        try c.encodeIfPresent(away, forKey: .away)
        try c.encode(Millis(presentSinceBoot), forKey: .presentSinceBootMs)
        try c.encodeIfPresent(graceUntil.map(Millis.init), forKey: .graceUntilMs)
        try c.encodeIfPresent(daily, forKey: .daily)
    }
}

extension KeyedDecodingContainer {
    /// A count in saved state (shows, snoozes, serials, today's counts): 0 to a billion, or
    /// the file is unreadable (set aside, fresh start), never a value that traps later.
    func decodeCount(forKey key: Key) throws -> Int {
        try decodeInt(forKey: key, in: 0...1_000_000_000)
    }

    /// A UTC offset in seconds: within a day either way.
    func decodeOffset(forKey key: Key) throws -> Int {
        try decodeInt(forKey: key, in: -86_400...86_400)
    }

    private func decodeInt(forKey key: Key, in range: ClosedRange<Int>) throws -> Int {
        let n = try decode(Int.self, forKey: key)
        guard range.contains(n) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: self,
                                                   debugDescription: "\(n) is outside \(range.lowerBound)...\(range.upperBound)")
        }
        return n
    }
}
