import LimberCore
import Testing
@testable import LimberConfig

@Suite struct WriterTests {
    static let samples: [LimberConfiguration] = {
        var a = LimberConfiguration.defaults
        a.schedule.postureMin = .seconds(5 * 60)
        a.schedule.postureMax = .seconds(4 * 3600)
        a.schedule.routineInterval = .seconds(5400 + 30)
        a.schedule.reshowCount = 0
        a.schedule.snoozeLimit = 10
        a.notifications = NotificationSettings(urgency: .low, expire: .never)
        a.schedule.workHours = WorkHours(days: Dictionary(uniqueKeysWithValues: Weekday.allCases.map {
            ($0, $0.rawValue <= 5 ? [span("13:30-17:30"), span("09:00-12:30")] : [])
        }))
        var b = LimberConfiguration.defaults
        b.notifications.expire = .after(.seconds(90))
        var days = Dictionary(uniqueKeysWithValues: Weekday.allCases.map { ($0, [span("08:00-16:00")]) })
        days[.wednesday] = [span("00:00-24:00")]
        days[.sunday] = []
        b.schedule.workHours = WorkHours(days: days)
        var c = LimberConfiguration.defaults
        c.schedule.workHours = WorkHours(days: Dictionary(uniqueKeysWithValues: Weekday.allCases.map { ($0, [span("07:00-19:00")]) }))
        return [.defaults, a, b, c]
    }()

    @Test(arguments: samples.indices)
    func showRoundTripsThroughLoad(_ i: Int) throws {
        let configuration = Self.samples[i]
        for noting in [true, false] {
            let text = configuration.tomlText(notingDefaults: noting)
            #expect(try LimberConfiguration.load(text, fileName: "shown.toml").get() == configuration, "\(text)")
        }
    }

    @Test func theDefaultsAsTOML() {
        #expect(LimberConfiguration.defaults.tomlText() == """
            [posture]
            interval_min = "30m"
            interval_max = "45m"

            [routine]
            interval = "1h"
            equipment = ["none"]
            places = ["desk", "standing", "wall", "doorway"]

            [reminders]
            reshow_after = "5m"
            reshow_count = 2
            snooze_default = "5m"
            snooze_limit = 3

            [notifications]
            urgency = "normal"
            expire = "default"
            sound = true

            [stats]
            goal = 0.8

            [idle]
            natural_break = "5m"
            routine_break = "15m"
            grace = "30s"
            threshold = "2m"
            logind_idle = "count"
            lock = "count"
            sleep = "count"
            mutter_idle = "count"
            wayland_idle = "count"
            x11_idle = "count"
            screensaver = "count"

            [hold]
            quiet_after = "1h30m"
            dnd_server = "on"
            gnome_banners = "on"
            dunst_paused = "on"
            inhibitor = "on"
            camera = "on"
            natural_pause = "on"
            natural_pause_length = "10s"
            natural_pause_max = "3m"

            [daily_routine]
            enabled = false
            at = "08:00"
            routine = "auto"

            [sit_stand]
            enabled = false
            at = ["10:30", "15:00"]
            first_block = "15m"
            grow_by = "5m"
            longest = "45m"

            [step_up]
            enabled = false
            after_weeks = 4
            days_per_week = 4

            [hooks]
            due = ""
            done = ""
            snoozed = ""
            skipped = ""
            missed = ""
            natural_break = ""
            guided_step = ""
            timeout = "10s"

            [work_hours]
            every_day = ["00:00-24:00"]

            """)
    }

    @Test func changedValuesNoteTheirDefault() {
        let text = Self.samples[1].tomlText()
        #expect(text.contains("\ninterval_min = \"5m\"  # default: \"30m\"\n"))
        #expect(text.contains("\ninterval = \"1h30m30s\"  # default: \"1h\"\n"))
        #expect(text.contains("\nurgency = \"low\"  # default: \"normal\"\n"))
        #expect(text.contains("\nexpire = \"never\"  # default: \"default\"\n"))
        #expect(text.contains("\nreshow_after = \"5m\"\n"))
        #expect(text.hasSuffix("""
            [work_hours]
            # default: every_day = ["00:00-24:00"]
            weekdays = ["09:00-12:30", "13:30-17:30"]
            weekend = []

            """))
        #expect(!Self.samples[1].tomlText(notingDefaults: false).contains("#"))
    }

    @Test func workHoursThatDifferByDayAreWrittenPerDay() {
        #expect(Self.samples[2].tomlText(notingDefaults: false).hasSuffix("""
            [work_hours]
            mon = ["08:00-16:00"]
            tue = ["08:00-16:00"]
            wed = ["00:00-24:00"]
            thu = ["08:00-16:00"]
            fri = ["08:00-16:00"]
            sat = ["08:00-16:00"]
            sun = []

            """))
        #expect(Self.samples[3].tomlText().hasSuffix("""
            [work_hours]
            every_day = ["07:00-19:00"]  # default: ["00:00-24:00"]

            """))
    }

    @Test func differences() {
        #expect(LimberConfiguration.defaults.differences().isEmpty)
        #expect(Self.samples[1].differences() == [
            "posture.interval_min", "posture.interval_max", "routine.interval", "reminders.reshow_count",
            "reminders.snooze_limit", "notifications.urgency", "notifications.expire", "work_hours",
        ])
        #expect(Self.samples[3].differences() == ["work_hours.every_day"])
        #expect(LimberConfiguration.defaults.differences(from: Self.samples[3]) == ["work_hours.every_day"])
    }
}
