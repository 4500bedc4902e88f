import LimberCatalog
import LimberConfig
import Testing

/// The guided walkthrough, driven by scripted event tables.
@Suite struct WalkthroughTests {
    static let exercises = [
        Exercise(id: "rot", name: "Rotation", places: [.desk], steps: ["a", "b"],
                 dose: Dose(.reps(10, holdSeconds: 2), perSide: true), why: "w"),
        Exercise(id: "door", name: "Doorway pec stretch", places: [.doorway], steps: ["a", "b"],
                 dose: Dose(.hold(seconds: 30), perSide: true, sets: 2), why: "w"),
        Exercise(id: "breathe", name: "Breathing", places: [.desk], steps: ["a", "b"],
                 dose: Dose(.duration(seconds: 60)), why: "w"),
    ]
    static let catalog = Catalog(exercises: exercises, routines: [
        Routine(id: "r", title: "Test routine", steps: [
            RoutineStep(exercise: "rot"), RoutineStep(exercise: "door"), RoutineStep(exercise: "breathe"),
        ]),
    ])

    func walkthrough() throws -> Walkthrough {
        let routine = try #require(Self.catalog.resolve(Self.catalog.routines[0]))
        return Walkthrough(routine)
    }

    @Test func stepsExpandPerSetAndSide() throws {
        let w = try walkthrough()
        #expect(w.steps.map(\.detail) == [
            "10 each side, hold 2 s each",
            "right side, hold 30 s (set 1 of 2)",
            "left side, hold 30 s (set 1 of 2)",
            "right side, hold 30 s (set 2 of 2)",
            "left side, hold 30 s (set 2 of 2)",
            "1 min",
        ])
        #expect(w.steps.map(\.kind) == [.counted] + Array(repeating: .timed(seconds: 30), count: 4) + [.timed(seconds: 60)])
        #expect(w.steps[1].exerciseName == "Doorway pec stretch")
    }

    @Test func aSideBySideStepDoesNotTellYouToChangeSidesEarly() throws {
        let w = try walkthrough()
        // The counted step does both sides itself: every line.
        #expect(w.steps[0].how == ["a", "b"])
        // The right side leaves out the last line, how to change to the left; the left says it.
        #expect(w.steps[1].how == ["a"])
        #expect(w.steps[2].how == ["b"])
        #expect(w.steps[5].how == ["a", "b"])
    }

    @Test func theBuiltInSideBySideExercisesEndWithTheChangeToTheLeft() {
        for e in BuiltInCatalog.catalog.exercises where e.dose.perSide {
            // The right side is described first; the last line changes to the left.
            #expect(e.steps.count > 1, "\(e.id)")
            #expect(e.steps.last?.contains("left") == true, "\(e.id): \(e.steps.last ?? "")")
            #expect(e.steps.dropLast().allSatisfy { !$0.contains("other arm") && !$0.contains("other side") },
                    "\(e.id)")
        }
    }

    /// Runs `script` and checks every event's effects and the phase after it.
    func run(_ script: [(Walkthrough.Event, [Walkthrough.Effect], Walkthrough.Phase)],
             sourceLocation: SourceLocation = #_sourceLocation) throws {
        var w = try walkthrough()
        for (n, (event, effects, phase)) in script.enumerated() {
            let got = w.handle(event)
            #expect(got == effects, "line \(n + 1): \(event)", sourceLocation: sourceLocation)
            #expect(w.phase == phase, "line \(n + 1): \(event)", sourceLocation: sourceLocation)
        }
    }

    @Test func countedStepsWaitForNextAndTimedStepsAdvanceByThemselves() throws {
        try run([
            (.begin, [.show(step: 0)], .running(0)),
            (.timerFired(token: 0), [], .running(0)),  // a counted step has no timer
            (.next, [.show(step: 1), .startTimer(seconds: 30, token: 1)], .running(1)),
            (.timerFired(token: 1), [.show(step: 2), .startTimer(seconds: 30, token: 2)], .running(2)),
            (.timerFired(token: 2), [.show(step: 3), .startTimer(seconds: 30, token: 3)], .running(3)),
            (.timerFired(token: 3), [.show(step: 4), .startTimer(seconds: 30, token: 4)], .running(4)),
            (.timerFired(token: 4), [.show(step: 5), .startTimer(seconds: 60, token: 5)], .running(5)),
            (.timerFired(token: 5), [.completed], .completed),
            (.next, [], .completed),
            (.stop, [], .completed),
        ])
    }

    @Test func nextEndsATimedStepEarlyAndItsTimerIsThenStale() throws {
        try run([
            (.begin, [.show(step: 0)], .running(0)),
            (.next, [.show(step: 1), .startTimer(seconds: 30, token: 1)], .running(1)),
            (.next, [.cancelTimer, .show(step: 2), .startTimer(seconds: 30, token: 2)], .running(2)),
            (.timerFired(token: 1), [], .running(2)),  // the first hold's timer, cancelled too late
            (.timerFired(token: 2), [.show(step: 3), .startTimer(seconds: 30, token: 3)], .running(3)),
        ])
    }

    @Test func stopEndsItAndCancelsARunningTimer() throws {
        try run([
            (.begin, [.show(step: 0)], .running(0)),
            (.next, [.show(step: 1), .startTimer(seconds: 30, token: 1)], .running(1)),
            (.stop, [.cancelTimer, .stopped], .stopped),
            (.timerFired(token: 1), [], .stopped),
            (.next, [], .stopped),
            (.begin, [], .stopped),
        ])
        try run([
            (.begin, [.show(step: 0)], .running(0)),
            (.stop, [.stopped], .stopped),
        ])
        try run([(.stop, [.stopped], .stopped)])
    }

    @Test func nextThroughEveryStepCompletes() throws {
        var w = try walkthrough()
        _ = w.handle(.begin)
        var shown = [0]
        var last: [Walkthrough.Effect] = []
        for _ in 0..<w.steps.count {
            last = w.handle(.next)
            if case .show(let i)? = last.first(where: { if case .show = $0 { true } else { false } }) { shown.append(i) }
        }
        #expect(shown == Array(0..<w.steps.count))
        #expect(last.last == .completed)
        #expect(w.phase == .completed && w.isOver)
    }

    @Test func progressCountsTheStepsBefore() throws {
        let w = try walkthrough()
        #expect((0..<w.steps.count).map(w.progress(at:)) == [0, 16, 33, 50, 66, 83])
        #expect(w.progress(at: w.steps.count) == 100)
    }

    @Test func everyBuiltInRoutineWalksThroughToTheEnd() {
        let c = BuiltInCatalog.catalog
        for r in c.resolvedRoutines() {
            var w = Walkthrough(r)
            var effects = w.handle(.begin)
            var guardCount = 0
            while !w.isOver, guardCount < 200 {
                guardCount += 1
                if case .startTimer(_, let t)? = effects.last {
                    effects = w.handle(.timerFired(token: t))
                } else {
                    effects = w.handle(.next)
                }
            }
            #expect(w.phase == .completed, "\(r.id)")
            #expect(!w.steps.isEmpty)
            let timed = w.steps.compactMap { if case .timed(let s) = $0.kind { s } else { nil } }.reduce(0, +)
            #expect(timed <= r.estimatedSeconds, "\(r.id)")
        }
    }
}
