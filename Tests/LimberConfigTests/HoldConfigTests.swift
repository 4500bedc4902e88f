import LimberCore
import Testing
@testable import LimberConfig

// [hold]: what holds reminders while the user is at the desk.

@Suite struct HoldConfigTests {
    @Test func theDefaultsHoldForEverySource() {
        let h = LimberConfiguration.defaults.schedule.hold
        #expect(HoldSource.allCases.allSatisfy { h.policy(for: $0) == .on })
        #expect(h.quietAfter == .seconds(90 * 60))
    }

    @Test func everyKeyIsRead() {
        let c = loaded("""
            [hold]
            quiet_after = "2h"
            dnd_server = "off"
            gnome_banners = "off"
            dunst_paused = "on"
            inhibitor = "off"
            camera = "off"
            """)
        let h = c?.schedule.hold
        #expect(h?.quietAfter == .seconds(2 * 3600))
        #expect(h?.dndServer == .off)
        #expect(h?.gnomeBanners == .off)
        #expect(h?.dunstPaused == .on)
        #expect(h?.inhibitor == .off)
        #expect(h?.camera == .off)
    }

    @Test func aBooleanSaysWhatToWrite() {
        #expect(problems("[hold]\ncamera = \"false\"\n")
                == [#"2:10: expected "on" or "off", found "false" (write "off")"#])
        #expect(problems("[hold]\nquiet_after = \"5m\"\n").first?.contains("quiet_after") == true)
    }
}
