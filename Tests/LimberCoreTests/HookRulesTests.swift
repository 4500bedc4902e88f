import Testing
@testable import LimberCore

@Suite struct HookRulesTests {
    let clock = TestClock()

    func record(_ outcome: Outcome, _ kind: ReminderKind? = .posture, prompt: UInt64? = 7) -> HistoryRecord {
        HistoryRecord(outcome: outcome, kind: kind, promptID: prompt, at: clock.now)
    }

    @Test func eachAnswerAndDueIsAnEventAndBookkeepingIsNot() {
        let expected: [Outcome: HookEvent?] = [
            .shown: .due, .unshown: .due, .done: .done, .snoozed: .snoozed, .skipped: .skipped, .missed: .missed,
            .naturalBreak: .naturalBreak, .reshown: nil, .withdrawn: nil, .paused: nil, .resumed: nil, .pain: nil,
        ]
        #expect(Set(expected.keys) == Set(Outcome.allCases))
        for (outcome, event) in expected {
            #expect(HookRules.invocation(for: record(outcome))?.event == event, "\(outcome)")
        }
    }

    @Test func aDueReminderSaysItsKindShowingAndTime() throws {
        var r = record(.shown)
        r.show = 1
        let i = try #require(HookRules.invocation(for: r))
        #expect(i.environment.map(\.name) == ["LIMBER_EVENT", "LIMBER_KIND", "LIMBER_PROMPT_ID", "LIMBER_SHOW", "LIMBER_SHOWN",
                                               "LIMBER_TIME"])
        #expect(i.value("LIMBER_SHOWN") == "1")
        #expect(HookRules.invocation(for: record(.unshown))?.value("LIMBER_SHOWN") == "0")
        #expect(i.value("LIMBER_EVENT") == "due")
        #expect(i.value("LIMBER_KIND") == "posture")
        #expect(i.value("LIMBER_PROMPT_ID") == "7")
        #expect(i.value("LIMBER_SHOW") == "1")
        #expect(i.value("LIMBER_TIME") == String(clock.wall.components.seconds))
    }

    @Test func aRoutineNamesTheRoutineShownOrDone() throws {
        let due = try #require(HookRules.invocation(for: record(.shown, .routine), routine: "desk-reset"))
        #expect(due.value("LIMBER_ROUTINE") == "desk-reset")
        // A posture check shows no routine, whatever the caller passes.
        #expect(HookRules.invocation(for: record(.shown), routine: "desk-reset")?.value("LIMBER_ROUTINE") == nil)
        var done = record(.done, .routine)
        done.routine = "doorway-opener"
        done.reason = "guided"
        let d = try #require(HookRules.invocation(for: done, routine: "desk-reset"))
        #expect(d.value("LIMBER_ROUTINE") == "doorway-opener")
        #expect(d.value("LIMBER_GUIDED") == "1")
        #expect(d.value("LIMBER_EARLY") == "0")
    }

    @Test func lengthsAreWholeSecondsRoundedUp() throws {
        var s = record(.snoozed)
        s.length = .milliseconds(300_001)
        #expect(HookRules.invocation(for: s)?.value("LIMBER_SNOOZE_SECONDS") == "301")
        var b = record(.naturalBreak, .routine, prompt: nil)
        b.length = .seconds(900)
        b.reason = "lock,sleep"
        let i = try #require(HookRules.invocation(for: b))
        #expect(i.value("LIMBER_AWAY_SECONDS") == "900")
        #expect(i.value("LIMBER_AWAY_SOURCES") == "lock,sleep")
        #expect(i.value("LIMBER_PROMPT_ID") == nil)
    }

    @Test func anEarlyDoneSaysSo() {
        var r = record(.done, prompt: nil)
        r.early = true
        #expect(HookRules.invocation(for: r)?.value("LIMBER_EARLY") == "1")
    }

    @Test func aGuidedStepSaysWhereInTheRoutine() {
        let i = HookRules.guidedStep(routine: "desk-reset", title: "Desk reset", step: 2, steps: 5,
                                     text: "Doorway chest stretch: hold 30 s", wall: .seconds(100))
        #expect(i.event == .guidedStep)
        #expect(i.value("LIMBER_EVENT") == "guided_step")
        #expect(i.value("LIMBER_STEP") == "2")
        #expect(i.value("LIMBER_STEPS") == "5")
        #expect(i.value("LIMBER_STEP_TEXT") == "Doorway chest stretch: hold 30 s")
        #expect(i.value("LIMBER_ROUTINE_TITLE") == "Desk reset")
        #expect(i.value("LIMBER_TIME") == "100")
    }

    @Test func anEmptyCommandIsNoHook() {
        let s = HookSettings(commands: [.due: "", .done: "true"])
        #expect(s.command(for: .due) == nil)
        #expect(s.command(for: .done) == "true")
        #expect(s.command(for: .missed) == nil)
    }
}
