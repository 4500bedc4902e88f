import Testing
@testable import LimberConfig

/// `config check` reports every problem of a file in one run.
@Suite struct EveryProblemTests {
    @Test func anUnknownExerciseInARoutineRefusedForAnotherProblemIsReportedToo() {
        // The only routine of the file is refused for its kind; its unknown exercise is a
        // problem too, and the user should not learn of it only after fixing the kind.
        let found = problems("""
            [[routines]]
            id = "mine"
            title = "Mine"
            kind = "quick"
            steps = ["doorway-pec-strech"]
            """)
        #expect(found.contains { $0.hasPrefix("4:8: expected \"micro\" or \"daily\"") }, "\(found)")
        #expect(found.contains { $0.hasPrefix("5:10: no exercise has the id \"doorway-pec-strech\"") }, "\(found)")
    }

    @Test func anUnknownExerciseIsReportedBesideAnErrorInAnotherSection() {
        let found = problems("""
            [reminders]
            snooze_limit = "many"

            [[routines]]
            id = "mine"
            title = "Mine"
            kind = "micro"
            steps = ["no-such-move"]
            """)
        #expect(found.count == 2, "\(found)")
        #expect(found.contains { $0.contains("no exercise has the id \"no-such-move\"") }, "\(found)")
    }
}
