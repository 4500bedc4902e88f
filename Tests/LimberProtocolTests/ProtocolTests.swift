import Testing
@testable import LimberProtocol

@Suite struct RequestDecoding {
    func decode(_ s: String) -> Result<Request, RequestError> { Request.decode(Array(s.utf8)) }

    @Test func everyRequestRoundTrips() {
        let all: [Request] = [.status, .snooze(seconds: nil), .snooze(seconds: 600), .done, .skip,
                              .pause(seconds: nil, until: nil), .pause(seconds: 3600, until: nil),
                              .pause(seconds: nil, until: "14:30"), .resume, .now(.posture), .now(.routine), .reload,
                              .start(routine: nil), .start(routine: "desk-reset"), .next, .stop]
        for r in all {
            var line = r.encoded()
            #expect(line.last == UInt8(ascii: "\n"))
            line.removeLast()
            #expect(!line.contains(UInt8(ascii: "\n")))
            #expect(Request.decode(line) == .success(r))
        }
    }

    @Test func wireFormIsTheDocumentedOne() {
        #expect(String(decoding: Request.snooze(seconds: 600).encoded(), as: UTF8.self)
                == "{\"cmd\":\"snooze\",\"seconds\":600,\"v\":1}\n")
        #expect(decode("{\"v\":1,\"cmd\":\"now\"}") == .success(.now(.posture)))
        #expect(String(decoding: Request.start(routine: "desk-reset").encoded(), as: UTF8.self)
                == "{\"cmd\":\"start\",\"routine\":\"desk-reset\",\"v\":1}\n")
    }

    @Test(arguments: [
        ("not json", ErrorCode.badJSON),
        ("[1,2]", .badJSON),
        ("{\"cmd\":\"status\"}", .badRequest),
        ("{\"v\":2,\"cmd\":\"status\"}", .unsupportedVersion),
        ("{\"v\":1}", .badRequest),
        ("{\"v\":1,\"cmd\":\"dance\"}", .unknownCommand),
        ("{\"v\":1,\"cmd\":\"snooze\",\"seconds\":\"ten\"}", .badRequest),
        ("{\"v\":1,\"cmd\":\"snooze\",\"seconds\":-5}", .badRequest),
        ("{\"v\":1,\"cmd\":\"snooze\",\"seconds\":1152921504606846976}", .badRequest),
        ("{\"v\":1,\"cmd\":\"snooze\",\"seconds\":9223372036854775808}", .badRequest),
        ("{\"v\":1,\"cmd\":\"pause\",\"seconds\":-99999999999999999999999}", .badRequest),
        ("{\"v\":1,\"cmd\":\"pause\",\"seconds\":10000001}", .badRequest),
        ("{\"v\":1,\"cmd\":\"pause\",\"until\":\"25:00\"}", .badRequest),
        ("{\"v\":1,\"cmd\":\"pause\",\"until\":\"14:30\",\"seconds\":60}", .badRequest),
        ("{\"v\":1,\"cmd\":\"now\",\"kind\":\"nap\"}", .badRequest),
        ("{\"v\":1,\"cmd\":\"start\",\"routine\":\"\"}", .badRequest),
        ("{\"v\":1,\"cmd\":\"start\",\"routine\":5}", .badRequest),
    ])
    func badRequestsGetCodes(line: String, code: ErrorCode) {
        guard case .failure(let e) = decode(line) else {
            Issue.record("\(line) decoded")
            return
        }
        #expect(e.code == code)
        #expect(!e.message.isEmpty)
    }

    @Test func unknownCommandListsTheKnownOnes() {
        guard case .failure(let e) = decode("{\"v\":1,\"cmd\":\"dance\"}") else { Issue.record(); return }
        #expect(e.message.contains("snooze"))
        #expect(e.message.contains("'dance'"))
    }
}

@Suite struct Responses {
    @Test func failureEncodesCodeAndMessage() {
        let line = String(decoding: Response.failure(.nothingDue, "nothing is due").encoded(), as: UTF8.self)
        #expect(line == "{\"error\":{\"code\":\"nothing-due\",\"message\":\"nothing is due\"},\"ok\":false,\"v\":1}\n")
    }

    @Test func statusRoundTrips() {
        let s = StatusReport(state: "active", pausedUntil: nil,
                             due: .init(kind: .routine, promptID: 7, shown: 2, snoozesLeft: 1, since: 1_700_000_000),
                             next: [.init(kind: .posture, inSeconds: 120, elapsedSeconds: 1800, intervalSeconds: 1920)],
                             today: .init(due: 3, done: 2, snoozed: 1, skipped: 0, missed: 0),
                             notifications: "available", version: "0.1.0", pid: 42, configPath: nil,
                             guide: .init(routine: "desk-reset", title: "Desk reset", step: 2, steps: 3,
                                          text: "Shoulder blade squeezes: 10 times", waitsForNext: true))
        let r = Response.success("ok", status: s)
        var line = r.encoded()
        line.removeLast()
        #expect(Response.decode(line) == r)
        #expect(String(decoding: line, as: UTF8.self).contains("\"snoozes_left\":1"))
        // Empty fields are null, not missing: one schema for --json.
        #expect(String(decoding: line, as: UTF8.self).contains("\"paused_until\":null"))
        #expect(String(decoding: line, as: UTF8.self).contains("\"config_path\":null"))
        #expect(String(decoding: line, as: UTF8.self).contains("\"waits_for_next\":true"))
    }
}

@Suite struct Framing {
    @Test func splitsLinesAcrossChunks() {
        var f = LineFramer(cap: 100)
        #expect(f.append(Array("ab".utf8)) == [])
        #expect(f.append(Array("c\nde\r\nf".utf8)) == [.line(Array("abc".utf8)), .line(Array("de".utf8))])
        #expect(f.pendingCount == 1)
    }

    @Test func aCRLFLineOfExactlyTheCapFits() {
        var f = LineFramer(cap: 4)
        #expect(f.append(Array("abcd\r\n".utf8)) == [.line(Array("abcd".utf8))])
        #expect(f.append(Array("abcd\r\r\n".utf8)) == [.tooLong])
    }

    @Test func capsLongLinesAndRecovers() {
        var f = LineFramer(cap: 4)
        #expect(f.append(Array("abcd".utf8)) == [])
        #expect(f.append(Array("efgh".utf8)) == [.tooLong])
        #expect(f.append(Array("ij\nok\n".utf8)) == [.line(Array("ok".utf8))])
    }
}

@Suite struct Paths {
    @Test func xdgVariablesWin() {
        let p = LimberPaths(environment: ["HOME": "/home/u", "XDG_CONFIG_HOME": "/c", "XDG_STATE_HOME": "/s",
                                          "XDG_RUNTIME_DIR": "/run/user/1000"])
        #expect(p.configFile == "/c/limber/config.toml")
        #expect(p.stateDirectory == "/s/limber")
        #expect(p.controlSocket == "/run/user/1000/limber/control.sock")
    }

    @Test func defaultsAndRelativeValues() {
        let p = LimberPaths(environment: ["HOME": "/home/u", "XDG_CONFIG_HOME": "relative"])
        #expect(p.configFile == "/home/u/.config/limber/config.toml")
        #expect(p.stateDirectory == "/home/u/.local/state/limber")
        #expect(p.controlSocket == nil)
    }

    @Test func clockTimes() {
        #expect(LocalClockTime(parsing: "9:05") == LocalClockTime(parsing: "09:05"))
        #expect(LocalClockTime(parsing: "23:59") != nil)
        for bad in ["24:00", "12:60", "1230", "12:3", "ab:cd", "", "12:30:00"] {
            #expect(LocalClockTime(parsing: bad) == nil)
        }
    }
}
