// A guided routine and the schedule: while it runs the due reminder waits (off screen, no
// re-shows, nothing new comes due); when it is completed it answers that reminder and, like
// any routine, counts as the posture check too, restarting both intervals. Stopped early, the
// reminder is due again and shown in place.

extension Scheduler {
    mutating func beginGuide(at now: Moment) -> [Effect] {
        state.guiding = true
        guard let p = state.prompt else { return [] }
        return [.withdraw(promptID: p.id)]
    }

    mutating func endGuide(completed: Bool, routine: String?, at now: Moment) -> [Effect] {
        state.guiding = false
        restartAwayAfterGuide(at: now)
        guard completed else {
            guard var p = state.prompt else { return [] }
            p.nextActionAt = now.monotonic + settings.reshowDelay
            state.prompt = p
            return [.show(prompt(p, isRepeat: true))]
        }
        var r: HistoryRecord
        var effects: [Effect] = []
        if let p = state.prompt {
            effects += settleUnrecorded(at: now)
            state.prompt = nil
            r = HistoryRecord(outcome: .done, kind: p.kind, promptID: p.id, at: now)
        } else if let daily = completeDailyByGuide(routine, at: now) {
            effects += daily.settled
            r = daily.done  // the daily routine, counted due when it was shown (or not)
        } else {
            r = HistoryRecord(outcome: .done, kind: .routine, promptID: nil, at: now)
            r.early = true
        }
        r.routine = routine
        r.reason = "guided"
        restart(.routine)
        return effects + [record(r)]
    }
}
