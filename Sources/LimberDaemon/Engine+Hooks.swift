import LimberCatalog
import LimberCore

/// The [hooks] commands: HookRules says which event a record is and what the command is
/// told; the runner spawns it without waiting.
extension Engine {
    func runHook(for r: HistoryRecord) {
        guard let runner = hookRunner else { return }
        let routine = r.kind == .routine ? r.promptID.flatMap { coach.state.chosen(for: $0)?.routine } : nil
        guard let invocation = HookRules.invocation(for: r, routine: routine),
              let command = settings.hooks.command(for: invocation.event) else { return }
        runner.run(command, invocation, timeout: settings.hooks.timeout)
    }

    func runGuidedStepHook(_ g: Walkthrough, index i: Int) {
        guard let runner = hookRunner, let command = settings.hooks.command(for: .guidedStep) else { return }
        let step = g.steps[i]
        let invocation = HookRules.guidedStep(routine: g.routineID, title: g.title, step: i + 1, steps: g.steps.count,
                                              text: "\(step.exerciseName): \(step.detail)", wall: clock.now().wall)
        runner.run(command, invocation, timeout: settings.hooks.timeout)
    }
}
