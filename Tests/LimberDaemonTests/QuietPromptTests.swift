@testable import LimberCore
import Testing
@testable import LimberDaemon

// A reminder shown after a long hold is quiet: low urgency and the suppress-sound hint.
@Suite struct QuietPromptTests {
    func content(quiet: Bool, final: Bool = false) -> NotificationContent {
        var p = Prompt(id: 1, kind: .posture, show: 1, isFinal: final, snoozesLeft: 3, serial: 0, isRepeat: false)
        p.quiet = quiet
        return PromptContent.notification(for: p, showing: .plain, snoozeDefault: .seconds(300), expiry: .serverDefault)
    }

    @Test func quietIsLowUrgencyWithoutSound() {
        #expect(content(quiet: true).urgency == .low)
        #expect(content(quiet: true).quiet)
        #expect(content(quiet: false).urgency == .normal)
        #expect(!content(quiet: false).quiet)
    }
}
