import LimberCore
import LimberFiles
import LimberProtocol
import Testing
@testable import limber

// What status, doctor and history say about the natural pause.
@Suite struct NaturalPauseTextTests {
    func presence(_ policy: String, _ source: String?) -> StatusReport.Presence {
        var p = StatusReport.Presence(state: "present", awaySince: nil, lastActive: 0, awayBy: [], sources: [])
        p.naturalPause = policy
        p.pauseSource = source
        return p
    }

    @Test func doctorWarnsOnlyWhereNothingCanTellAPause() {
        #expect(DoctorRules.naturalPause(nil) == nil)
        let none = DoctorRules.naturalPause(presence("on", nil))
        #expect(none?.status == .warn)
        #expect(none?.summary.hasPrefix("no source can tell a pause in input") == true)
        #expect(none?.fix?.contains("natural_pause = \"off\"") == true)
        let x11 = DoctorRules.naturalPause(presence("on", "x11_idle"))
        #expect(x11?.status == .ok)
        #expect(x11?.summary.hasSuffix("watched through x11_idle") == true)
        #expect(DoctorRules.naturalPause(presence("off", nil))?.status == .ok)
    }

    @Test func statusSaysWhetherRemindersWaitAndThroughWhat() {
        #expect(StatusText.naturalPauseLine(presence("on", "wayland_idle"))?.contains("watched through wayland_idle") == true)
        #expect(StatusText.naturalPauseLine(presence("on", nil))?.contains("no source can tell a pause in input") == true)
        #expect(StatusText.naturalPauseLine(presence("off", "x11_idle")) == nil)
    }

    @Test func heldLinesInHistory() {
        func event(_ reason: String?, _ seconds: Int64?) -> HistoryEvent {
            var e = HistoryEvent(id: "x", host: "desk", outcome: "held", ts: 1_795_000_000_000, kind: "posture")
            e.reason = reason
            e.seconds = seconds
            return e
        }
        #expect(HistoryExport.describe(event("natural_pause", 40)) == "posture check waited for a pause in typing (40 s)")
        #expect(HistoryExport.describe(event("dnd_server,camera", 720)) == "posture check held 12 min (do not disturb, camera in use)")
        #expect(HistoryExport.describe(event(nil, nil)) == "posture check held")
    }
}
