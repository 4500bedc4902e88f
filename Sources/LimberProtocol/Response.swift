import JSON

/// The answer to one request: ok with an optional message and status, or a coded error.
public struct Response: Codable, Sendable, Equatable {
    /// A coded error in a response.
    public struct Failure: Codable, Sendable, Equatable {
        public var code: ErrorCode
        public var message: String
        /// Further lines, e.g. every config diagnostic of a failed reload.
        public var details: [String]?

        public init(code: ErrorCode, message: String, details: [String]? = nil) {
            self.code = code
            self.message = message
            self.details = details
        }
    }

    public var v: Int
    public var ok: Bool
    public var message: String?
    public var status: StatusReport?
    public var error: Failure?

    /// A success, with what to tell the user and optionally the status after it.
    public static func success(_ message: String? = nil, status: StatusReport? = nil) -> Response {
        Response(v: ProtocolVersion.current, ok: true, message: message, status: status, error: nil)
    }

    /// A refusal or error with a stable code.
    public static func failure(_ code: ErrorCode, _ message: String, details: [String]? = nil) -> Response {
        Response(v: ProtocolVersion.current, ok: false, message: nil, status: nil,
                 error: Failure(code: code, message: message, details: details))
    }

    /// One line of JSON, newline included.
    public func encoded() -> [UInt8] { lineJSON(self) }

    /// Decodes a response line; nil when it is not one.
    public static func decode(_ line: some Collection<UInt8>) -> Response? {
        try? JSON.decode(Response.self, from: line)
    }
}

/// What `limber status` shows; the `status` field of a response.
public struct StatusReport: Codable, Sendable, Equatable {
    /// The reminder currently shown and waiting for an answer.
    public struct Due: Codable, Sendable, Equatable {
        public var kind: KindName
        public var promptID: UInt64
        /// How many times it has been shown (1 is the first showing).
        public var shown: Int
        public var snoozesLeft: Int
        /// Wall time of the first showing, seconds since 1970.
        public var since: Int64
        /// It waits while the user is away, or for the grace period after they are back.
        public var held: Bool

        public init(kind: KindName, promptID: UInt64, shown: Int, snoozesLeft: Int, since: Int64, held: Bool = false) {
            self.kind = kind; self.promptID = promptID; self.shown = shown
            self.snoozesLeft = snoozesLeft; self.since = since; self.held = held
        }

        enum CodingKeys: String, CodingKey {
            case kind, shown, since, held
            case promptID = "prompt_id"
            case snoozesLeft = "snoozes_left"
        }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            kind = try c.decode(KindName.self, forKey: .kind)
            promptID = try c.decode(UInt64.self, forKey: .promptID)
            shown = try c.decode(Int.self, forKey: .shown)
            snoozesLeft = try c.decode(Int.self, forKey: .snoozesLeft)
            since = try c.decode(Int64.self, forKey: .since)
            held = try c.decodeIfPresent(Bool.self, forKey: .held) ?? false  // older limberd
        }
    }

    /// When the next reminder of a kind comes due, in active time.
    public struct Next: Codable, Sendable, Equatable {
        public var kind: KindName
        /// Active time left; 0 when due.
        public var inSeconds: Int
        /// Active time accumulated in the current interval.
        public var elapsedSeconds: Int
        /// The current interval.
        public var intervalSeconds: Int
        /// Snoozed: the wall time the snooze ends, seconds since 1970 (if active time runs
        /// until then); null when not snoozed.
        @Nullable public var snoozedUntil: Int64?
        /// Snoozes of this kind's current reminder: above 0 while a snoozed one waits to return.
        public var snoozes: Int

        public init(kind: KindName, inSeconds: Int, elapsedSeconds: Int, intervalSeconds: Int,
                    snoozedUntil: Int64? = nil, snoozes: Int = 0) {
            self.kind = kind; self.inSeconds = inSeconds
            self.elapsedSeconds = elapsedSeconds; self.intervalSeconds = intervalSeconds
            self.snoozedUntil = snoozedUntil; self.snoozes = snoozes
        }

        enum CodingKeys: String, CodingKey {
            case kind, snoozes
            case inSeconds = "in_seconds"
            case elapsedSeconds = "elapsed_seconds"
            case intervalSeconds = "interval_seconds"
            case snoozedUntil = "snoozed_until"
        }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            kind = try c.decode(KindName.self, forKey: .kind)
            inSeconds = try c.decode(Int.self, forKey: .inSeconds)
            elapsedSeconds = try c.decode(Int.self, forKey: .elapsedSeconds)
            intervalSeconds = try c.decode(Int.self, forKey: .intervalSeconds)
            snoozedUntil = try c.decodeIfPresent(Int64.self, forKey: .snoozedUntil)
            snoozes = try c.decodeIfPresent(Int.self, forKey: .snoozes) ?? 0  // older limberd
        }
    }

    /// Today's answers (local day).
    public struct Counts: Codable, Sendable, Equatable {
        public var due = 0, done = 0, snoozed = 0, skipped = 0, missed = 0
        /// Time away that counted as a break.
        public var naturalBreaks = 0
        public init(due: Int = 0, done: Int = 0, snoozed: Int = 0, skipped: Int = 0, missed: Int = 0,
                    naturalBreaks: Int = 0) {
            self.due = due; self.done = done; self.snoozed = snoozed; self.skipped = skipped; self.missed = missed
            self.naturalBreaks = naturalBreaks
        }

        enum CodingKeys: String, CodingKey {
            case due, done, snoozed, skipped, missed
            case naturalBreaks = "natural_breaks"
        }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            due = try c.decode(Int.self, forKey: .due)
            done = try c.decode(Int.self, forKey: .done)
            snoozed = try c.decode(Int.self, forKey: .snoozed)
            skipped = try c.decode(Int.self, forKey: .skipped)
            missed = try c.decode(Int.self, forKey: .missed)
            naturalBreaks = try c.decodeIfPresent(Int.self, forKey: .naturalBreaks) ?? 0  // older limberd
        }
    }

    /// Whether the user is at the desk, and what limberd watches to know.
    public struct Presence: Codable, Sendable, Equatable {
        /// One source of time away.
        public struct Source: Codable, Sendable, Equatable {
            /// The config key: `logind_idle`, `lock`, `sleep`, `mutter_idle`, `screensaver`.
            public var name: String
            /// Whether limberd hears from it now.
            public var live: Bool
            /// `count`, `pause` or `ignore`, from the [idle] config section.
            public var policy: String
            /// Where its reports come from ("logind session 3", "clocks"); null when not live.
            @Nullable public var via: String?
            /// Why it is not live; null when it is.
            @Nullable public var problem: String?

            public init(name: String, live: Bool, policy: String, via: String?, problem: String?) {
                self.name = name; self.live = live; self.policy = policy; self.via = via; self.problem = problem
            }
        }

        /// `present` or `away`.
        public var state: String
        /// Wall time the absence began, seconds since 1970; null when present.
        @Nullable public var awaySince: Int64?
        /// When the user was last seen active, seconds since 1970: now when present.
        public var lastActive: Int64
        /// The sources that report the user away now.
        public var awayBy: [String]
        /// Every source, live or not.
        public var sources: [Source]
        /// What holds reminders while the user is at the desk (do not disturb, an idle
        /// inhibitor, a camera in use), by the [hold] config keys; empty when nothing does.
        public var heldBy: [String] = []
        /// Wall time the hold began, seconds since 1970; null when nothing holds.
        @Nullable public var heldSince: Int64?
        /// The reminder kind (`posture`, `routine`) waiting for the hold to end; null when none.
        @Nullable public var heldWaiting: String?
        /// `on` or `off`, from [hold] natural_pause: a reminder due while the user types waits
        /// for a pause in input.
        public var naturalPause = "off"
        /// The source that tells such a pause (`wayland_idle`, `x11_idle`, `mutter_idle`); null
        /// when none can, and reminders are then shown at once.
        @Nullable public var pauseSource: String?

        public init(state: String, awaySince: Int64?, lastActive: Int64, awayBy: [String], sources: [Source]) {
            self.state = state; self.awaySince = awaySince; self.lastActive = lastActive
            self.awayBy = awayBy; self.sources = sources
        }

        enum CodingKeys: String, CodingKey {
            case state, sources
            case awaySince = "away_since"
            case lastActive = "last_active"
            case awayBy = "away_by"
            case heldBy = "held_by"
            case heldSince = "held_since"
            case heldWaiting = "held_waiting"
            case naturalPause = "natural_pause"
            case pauseSource = "pause_source"
        }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            state = try c.decode(String.self, forKey: .state)
            _awaySince = try c.decode(Nullable<Int64>.self, forKey: .awaySince)
            lastActive = try c.decode(Int64.self, forKey: .lastActive)
            awayBy = try c.decode([String].self, forKey: .awayBy)
            sources = try c.decode([Source].self, forKey: .sources)
            // Absent from a limberd older than holds.
            heldBy = try c.decodeIfPresent([String].self, forKey: .heldBy) ?? []
            _heldSince = try c.decode(Nullable<Int64>.self, forKey: .heldSince)
            _heldWaiting = try c.decode(Nullable<String>.self, forKey: .heldWaiting)
            // Absent from a limberd older than the natural pause.
            naturalPause = try c.decodeIfPresent(String.self, forKey: .naturalPause) ?? "off"
            _pauseSource = try c.decode(Nullable<String>.self, forKey: .pauseSource)
        }
    }

    /// A guided routine under way.
    public struct Guide: Codable, Sendable, Equatable {
        /// The routine's catalog id and title.
        public var routine: String
        public var title: String
        /// The current step, 1-based, of `steps`.
        public var step: Int
        public var steps: Int
        /// "Doorway chest stretch: right side, hold 30 s".
        public var text: String
        /// True when the step waits for 'limber next'; false when a timer ends it.
        public var waitsForNext: Bool

        public init(routine: String, title: String, step: Int, steps: Int, text: String, waitsForNext: Bool) {
            self.routine = routine; self.title = title; self.step = step; self.steps = steps
            self.text = text; self.waitsForNext = waitsForNext
        }

        enum CodingKeys: String, CodingKey {
            case routine, title, step, steps, text
            case waitsForNext = "waits_for_next"
        }
    }

    /// The daily routine offered and waiting for an answer.
    public struct Daily: Codable, Sendable, Equatable {
        /// The routine's catalog id and title.
        public var routine: String
        public var title: String
        /// Wall time it was first offered, seconds since 1970.
        public var since: Int64
        /// Snoozed: the wall time it comes back, seconds since 1970; null while it shows.
        @Nullable public var snoozedUntil: Int64?
        public var snoozesLeft: Int

        public init(routine: String, title: String, since: Int64, snoozedUntil: Int64?, snoozesLeft: Int) {
            self.routine = routine; self.title = title; self.since = since
            self.snoozedUntil = snoozedUntil; self.snoozesLeft = snoozesLeft
        }

        enum CodingKeys: String, CodingKey {
            case routine, title, since
            case snoozedUntil = "snoozed_until"
            case snoozesLeft = "snoozes_left"
        }
    }

    /// The sit/stand reminder's standing blocks.
    public struct Standing: Codable, Sendable, Equatable {
        /// The block under way ends then, seconds since 1970; null when none runs.
        @Nullable public var until: Int64?
        /// The next block is suggested then; null when none is left today or it is due now.
        @Nullable public var next: Int64?

        public init(until: Int64?, next: Int64?) {
            self.until = until; self.next = next
        }
    }

    /// limberd's own file-system sandbox (Landlock), which does not depend on the unit.
    public struct Sandbox: Codable, Sendable, Equatable {
        /// `landlock` (confined), `unavailable` (the kernel has no Landlock), `off`
        /// (LIMBER_SANDBOX=off) or `failed` (Landlock refused the rules; see the log).
        public var state: String
        /// The Landlock ABI version in use; null when not confined.
        @Nullable public var abi: Int?
        /// The folders limberd may write; empty when not confined (then it is not limited).
        public var writable: [String]
        /// Why it is not confined; null when it is.
        @Nullable public var problem: String?

        public init(state: String, abi: Int?, writable: [String], problem: String?) {
            self.state = state; self.abi = abi; self.writable = writable; self.problem = problem
        }
    }

    /// `active`, `paused` or `off-hours` (outside work hours).
    public var state: String
    /// Wall time the pause ends, seconds since 1970; nil when not paused or paused indefinitely.
    @Nullable public var pausedUntil: Int64?
    /// Outside work hours: the wall time they start again, seconds since 1970; nil otherwise.
    @Nullable public var workHoursStart: Int64?
    @Nullable public var due: Due?
    public var next: [Next]
    public var today: Counts
    /// `available`, `unavailable` or `unknown`: whether a notification server answered last time.
    public var notifications: String
    public var version: String
    public var pid: Int32
    /// The config file in use, or nil for built-in defaults.
    @Nullable public var configPath: String?
    /// `ConfigDigest` of that file as limberd read it; nil for the built-in defaults.
    @Nullable public var configDigest: String?
    /// Away or present, since when, and the sources; nil only from a limberd older than it.
    @Nullable public var presence: Presence?
    /// The guided routine under way, if any.
    @Nullable public var guide: Guide?
    /// The daily routine offered and not yet answered, if any.
    @Nullable public var daily: Daily?
    /// Standing blocks, when the sit/stand reminder is on or a block runs.
    @Nullable public var standing: Standing?
    /// Whether limberd confines itself; nil only from a limberd older than it.
    @Nullable public var sandbox: Sandbox?

    public init(state: String, pausedUntil: Int64?, due: Due?, next: [Next], today: Counts,
                notifications: String, version: String, pid: Int32, configPath: String?,
                presence: Presence? = nil, guide: Guide? = nil, sandbox: Sandbox? = nil) {
        self.state = state; self.pausedUntil = pausedUntil; self.due = due; self.next = next
        self.today = today; self.notifications = notifications; self.version = version
        self.pid = pid; self.configPath = configPath; self.presence = presence; self.guide = guide
        self.sandbox = sandbox
    }

    enum CodingKeys: String, CodingKey {
        case state, due, next, today, notifications, version, pid, presence, guide, daily, standing
        case sandbox
        case pausedUntil = "paused_until"
        case workHoursStart = "work_hours_start"
        case configPath = "config_path"
        case configDigest = "config_digest"
    }
}
