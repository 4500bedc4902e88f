import LimberCatalog
import LimberCore
import Testing

@Suite struct PlannerTests {
    let monday = LocalDate(year: 2026, month: 11, day: 23)

    func at(_ h: Int, _ m: Int, day: Int = 0) -> LocalTime {
        LocalTime(date: LocalDate(daysSinceEpoch: monday.daysSinceEpoch + Int64(day)), secondOfDay: h * 3600 + m * 60)
    }

    func stamp(_ h: Int, _ m: Int, day: Int = 0) -> SlotStamp {
        SlotStamp(day: monday.daysSinceEpoch + Int64(day), minute: h * 60 + m)
    }

    @Test func dailySlotsFireOnceEachWithinTheirGrace() {
        let slots = DailySlots(minutes: [15 * 60, 10 * 60 + 30], graceSeconds: 1800)
        let table: [(LocalTime, SlotStamp?, DailySlots.Decision)] = [
            (at(8, 0), nil, .wait(seconds: 2 * 3600 + 1800)),
            (at(10, 30), nil, .fire(stamp(10, 30))),
            (at(10, 59), nil, .fire(stamp(10, 30))),
            (at(10, 40), stamp(10, 30), .wait(seconds: 4 * 3600 + 1200)),
            (at(11, 0), nil, .wait(seconds: 4 * 3600)),  // past the grace: skipped, not made up for
            (at(15, 0), stamp(10, 30), .fire(stamp(15, 0))),
            (at(16, 0), stamp(15, 0), .wait(seconds: 8 * 3600 + 10 * 3600 + 1800)),
            (at(23, 59), stamp(15, 0), .wait(seconds: 60 + 10 * 3600 + 1800)),
        ]
        for (now, last, expected) in table {
            #expect(slots.decide(at: now, lastFired: last) == expected, "\(now.clockText) after \(String(describing: last))")
        }
        #expect(DailySlots(minutes: [], graceSeconds: 60).decide(at: at(9, 0), lastFired: nil) == .never)
    }

    @Test func aLateSlotStillFiresJustAfterMidnight() {
        let slots = DailySlots(minutes: [23 * 60 + 50], graceSeconds: 1800)
        #expect(slots.decide(at: at(0, 5, day: 1), lastFired: nil) == .fire(stamp(23, 50)))
        #expect(slots.decide(at: at(0, 5, day: 1), lastFired: stamp(23, 50)) == .wait(seconds: 23 * 3600 + 45 * 60))
    }

    @Test func standingBlocksStartShortAndGrowEachWeekUpToTheLongest() {
        let plan = SitStandPlan(firstBlockSeconds: 15 * 60, growthPerWeekSeconds: 5 * 60, longestSeconds: 40 * 60)
        func day(_ n: Int) -> LocalDate { LocalDate(daysSinceEpoch: monday.daysSinceEpoch + Int64(n)) }
        #expect(plan.blockSeconds(startedOn: monday, today: monday) == 15 * 60)
        #expect(plan.blockSeconds(startedOn: monday, today: day(6)) == 15 * 60)
        #expect(plan.blockSeconds(startedOn: monday, today: day(7)) == 20 * 60)
        #expect(plan.blockSeconds(startedOn: monday, today: day(21)) == 30 * 60)
        #expect(plan.blockSeconds(startedOn: monday, today: day(70)) == 40 * 60)
        #expect(plan.blockSeconds(startedOn: day(3), today: monday) == 15 * 60, "a clock set back")
        // Never shrinking, week by week.
        var last = 0
        for d in 0..<100 {
            let b = plan.blockSeconds(startedOn: monday, today: day(d))
            #expect(b >= last)
            last = b
        }
    }

    @Test func stepUpIsDueAfterEnoughRegularWeeks() {
        let plan = StepUpPlan(weeks: 4, daysPerWeek: 4)
        func days(_ offsets: [Int]) -> [LocalDate] {
            offsets.map { LocalDate(daysSinceEpoch: monday.daysSinceEpoch - Int64($0)) }
        }
        let fourPerWeek = (0..<4).flatMap { w in [0, 2, 4, 6].map { 7 * w + $0 } }
        #expect(plan.isDue(days: days(fourPerWeek), today: monday))
        #expect(!plan.isDue(days: days(Array(fourPerWeek.dropLast())), today: monday), "one day short in the oldest week")
        #expect(!plan.isDue(days: days(Array(0..<21)), today: monday), "three weeks only")
        #expect(plan.isDue(days: days(Array(0..<28)), today: monday))
        #expect(!plan.isDue(days: [], today: monday))
    }

    @Test func stepUpRemembersOnlyTheDaysItNeeds() {
        let plan = StepUpPlan(weeks: 4, daysPerWeek: 4)
        var kept: [LocalDate] = []
        for d in 0..<60 {
            kept = plan.remembering(LocalDate(daysSinceEpoch: monday.daysSinceEpoch + Int64(d)), in: kept)
            kept = plan.remembering(LocalDate(daysSinceEpoch: monday.daysSinceEpoch + Int64(d)), in: kept)
        }
        #expect(kept.count == 28)
        #expect(kept == kept.sorted())
    }
}

@Suite struct SafetyTests {
    @Test func theLogLineIsTheNoticeOnOneLine() {
        #expect(Safety.logLine == ([Safety.heading + ".", Safety.intro] + Safety.redFlags + [Safety.outro])
            .joined(separator: " "))
    }

    @Test func everyRedFlagOfTheIssueIsThere() {
        let text = Safety.redFlags.joined(separator: " ")
        for words in ["fall", "injury", "numbness", "tingling", "weakness", "fever", "weight loss", "night",
                      "bladder", "bowel", "few weeks"] {
            #expect(text.contains(words), "\(words)")
        }
    }
}

@Suite struct SettingsTests {
    @Test func equipmentAndPlacesKeepWhatIsSet() {
        var s = CoachSettings()
        #expect(s.equipment == [.none] && s.places == [.desk, .standing, .wall, .doorway])
        for e in [Set<Equipment>(), [.band], Set(Equipment.allCases)] {
            s.equipment = e
            #expect(s.equipment == e)
        }
        for p in [Set<Place>(), [.floor], Set(Place.allCases)] {
            s.places = p
            #expect(s.places == p)
        }
        var t = CoachSettings()
        t.places = Set(Place.allCases)
        t.places = [.desk, .standing, .wall, .doorway]
        #expect(t == CoachSettings())
    }
}
