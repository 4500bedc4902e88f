import Foundation
@testable import LimberFiles
import JSON
import LimberCore
@testable import LimberDaemon
import LimberProtocol
import Testing
import LimberTestSupport

/// state.json and the history lines are the bytes Foundation's JSONEncoder wrote before
/// limberd had its own JSON, and either reads what the other wrote.
@Suite(.serialized) struct SavedFormat {
    func foundationText<T: Encodable>(_ value: T, escapingSlashes: Bool) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = escapingSlashes ? [.sortedKeys] : [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    func checkState(_ f: EngineFixture, _ e: Engine) throws {
        let state = try #require(try f.store.read(SavedState.fileName))
        let viaFoundation = try JSONDecoder().decode(SavedState.self, from: Data(state))
        // limberd wrote state.json with [.sortedKeys] only; it holds no '/', so that is the same text.
        #expect(try foundationText(viaFoundation, escapingSlashes: true) == String(decoding: state, as: UTF8.self))
        let back = try JSON.decode(SavedState.self, from: state)
        #expect(back.scheduler == e.scheduler.state)
        #expect(back.scheduler == viaFoundation.scheduler)
        #expect(back.notificationIDs == viaFoundation.notificationIDs)
        #expect(back.bootID == "boot-1" && back.clean == viaFoundation.clean && back.v == 1)
        // And the other way round: JSON reads what Foundation writes.
        let written = Array(try foundationText(back, escapingSlashes: true).utf8)
        #expect(try JSON.decode(SavedState.self, from: written).scheduler == e.scheduler.state)
    }

    @Test func stateAndHistoryAreWhatFoundationWrote() throws {
        try withTemporaryFolder { folder in
            let f = try EngineFixture(folder: folder)
            let e = f.engine()
            e.start()
            try checkState(f, e)
            f.clock.advance(.seconds(1234))
            _ = f.request(e, .now(.posture))
            #expect(e.scheduler.state.prompt != nil)
            try checkState(f, e)
            #expect(try JSON.decode(SavedState.self, from: #require(try f.store.read(SavedState.fileName)))
                .notificationIDs.count == 1)
            _ = f.request(e, .snooze(seconds: 90))
            _ = f.request(e, .now(.routine))
            _ = f.request(e, .done)
            _ = f.request(e, .pause(seconds: 1800, until: nil))
            #expect(e.scheduler.state.pause?.until != nil)
            try checkState(f, e)
            e.stop()
            try checkState(f, e)

            let lines = try f.history.readLines()
            #expect(lines.count >= 5)
            for line in lines {
                let entry = try JSONDecoder().decode(HistoryEntry.self, from: Data(line))
                #expect(try foundationText(entry, escapingSlashes: false) == String(decoding: line, as: UTF8.self))
                #expect(try JSON.decode(HistoryEntry.self, from: line) == entry)
            }
            #expect(lines.contains { String(decoding: $0, as: UTF8.self).contains("\"until_ts\":") })
        }
    }

    @Test func processEnvironmentIsWhatProcessInfoSees() {
        let environment = processEnvironment()
        #expect(environment == ProcessInfo.processInfo.environment)
        #expect(environment["PATH"] != nil)
    }
}
