import LimberCore

/// What the coach remembers across restarts: where the rotations are, what the reminder on
/// screen shows, and what the optional features already did. Saved with the schedule.
public struct CoachState: Sendable, Equatable, Codable {
    /// The content chosen for the reminder on screen, so its re-shows show the same.
    public struct Current: Sendable, Equatable, Codable {
        public var prompt: UInt64
        public var routine: String?
        public var cue: String?

        public init(prompt: UInt64, routine: String? = nil, cue: String? = nil) {
            self.prompt = prompt
            self.routine = routine
            self.cue = cue
        }
    }

    public var routines: Rotation
    public var cues: Rotation
    public var current: Current?
    /// The red flags were shown (on the first start).
    public var safetyNoticeShown = false
    /// The latest daily-routine slot that fired.
    public var dailyFired: SlotStamp?
    /// The latest sit/stand slot that fired.
    public var sitStandFired: SlotStamp?
    /// The first day the sit/stand reminder was on: blocks grow from it.
    public var sitStandSince: LocalDate?
    /// Recent days with a completed routine (for the step-up suggestion).
    public var routineDays: [LocalDate] = []
    /// When the step-up suggestion was made; it is made once.
    public var stepUpSuggested: LocalDate?
    /// The server id of the guided routine's notification, so a restarted daemon can take a
    /// stale one off screen.
    public var guideServerID: UInt32?
    /// The server id of the daily routine's notification while it is on screen, so that it
    /// is replaced in place, not shown twice, and taken down when answered.
    public var dailyServerID: UInt32?

    /// A fresh state; the seed starts both rotations.
    public init(seed: UInt64) {
        routines = Rotation(seed: seed)
        cues = Rotation(seed: seed ^ 0x5DEE_CE66_D1CE_4E5B)
    }

    enum CodingKeys: String, CodingKey {
        case routines, cues, current
        case safetyNoticeShown = "safety_notice_shown", dailyFired = "daily_fired"
        case sitStandFired = "sit_stand_fired", sitStandSince = "sit_stand_since"
        case routineDays = "routine_days", stepUpSuggested = "step_up_suggested"
        case guideServerID = "guide_server_id", dailyServerID = "daily_server_id"
    }

    // Every field but the rotations may be missing, so later additions read older files.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        routines = try c.decode(Rotation.self, forKey: .routines)
        cues = try c.decode(Rotation.self, forKey: .cues)
        current = try c.decodeIfPresent(Current.self, forKey: .current)
        safetyNoticeShown = try c.decodeIfPresent(Bool.self, forKey: .safetyNoticeShown) ?? false
        dailyFired = try c.decodeIfPresent(SlotStamp.self, forKey: .dailyFired)
        sitStandFired = try c.decodeIfPresent(SlotStamp.self, forKey: .sitStandFired)
        sitStandSince = try c.decodeIfPresent(LocalDate.self, forKey: .sitStandSince)
        routineDays = try decodeStrings(c, .routineDays).compactMap(LocalDate.init(iso:))
        stepUpSuggested = try c.decodeIfPresent(LocalDate.self, forKey: .stepUpSuggested)
        guideServerID = try c.decodeIfPresent(UInt32.self, forKey: .guideServerID)
        dailyServerID = try c.decodeIfPresent(UInt32.self, forKey: .dailyServerID)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(routines, forKey: .routines)
        try c.encode(cues, forKey: .cues)
        try c.encodeIfPresent(current, forKey: .current)
        try c.encode(safetyNoticeShown, forKey: .safetyNoticeShown)
        try c.encodeIfPresent(dailyFired, forKey: .dailyFired)
        try c.encodeIfPresent(sitStandFired, forKey: .sitStandFired)
        try c.encodeIfPresent(sitStandSince, forKey: .sitStandSince)
        try encodeStrings(routineDays.map(\.description), &c, .routineDays)
        try c.encodeIfPresent(stepUpSuggested, forKey: .stepUpSuggested)
        try c.encodeIfPresent(guideServerID, forKey: .guideServerID)
        try c.encodeIfPresent(dailyServerID, forKey: .dailyServerID)
    }

    // MARK: Choosing

    /// The routine for a new routine reminder `prompt`: the next of the rotation among
    /// `eligible`, remembered as the reminder's content.
    public mutating func chooseRoutine(for prompt: UInt64, among eligible: [String]) -> String? {
        let id = routines.next(from: eligible)
        current = Current(prompt: prompt, routine: id)
        return id
    }

    /// The cue for a new posture check `prompt`, remembered likewise.
    public mutating func chooseCue(for prompt: UInt64, among cueIDs: [String]) -> String? {
        let id = cues.next(from: cueIDs)
        current = Current(prompt: prompt, cue: id)
        return id
    }

    /// What was chosen for `prompt`, if it is the one remembered.
    public func chosen(for prompt: UInt64) -> Current? {
        current?.prompt == prompt ? current : nil
    }
}

extension LocalDate {
    /// Parses `YYYY-MM-DD`; nil otherwise.
    init?(iso text: String) {
        let parts = text.split(separator: "-")
        guard parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              (1...12).contains(m), (1...31).contains(d) else { return nil }
        self.init(year: y, month: m, day: d)
    }
}
