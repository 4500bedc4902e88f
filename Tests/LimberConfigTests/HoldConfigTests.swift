import LimberCore
import Testing
@testable import LimberConfig

// [hold]: what holds reminders while the user is at the desk.

@Suite struct HoldConfigTests {
    @Test func theDefaultsHoldForEverySource() {
        let h = LimberConfiguration.defaults.schedule.hold
        #expect(HoldSource.allCases.allSatisfy { h.policy(for: $0) == .on })
        #expect(h.quietAfter == .seconds(90 * 60))
        #expect(h.naturalPauseLength == .seconds(10))
        #expect(h.naturalPauseMax == .seconds(3 * 60))
    }

    @Test func theNaturalPauseIsRead() {
        let h = loaded("""
            [hold]
            natural_pause = "off"
            natural_pause_length = "5s"
            natural_pause_max = "1m"
            """)?.schedule.hold
        #expect(h?.naturalPause == .off)
        #expect(h?.naturalPauseLength == .seconds(5))
        #expect(h?.naturalPauseMax == .seconds(60))
        #expect(problems("[hold]\nnatural_pause_length = \"1s\"\n").first?.contains("natural_pause_length must be between 2s and 2m") == true)
        #expect(problems("[hold]\nnatural_pause_max = \"1h\"\n").first?.contains("natural_pause_max must be between 30s and 15m") == true)
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
