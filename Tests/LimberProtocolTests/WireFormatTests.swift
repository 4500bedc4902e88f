import Foundation
import JSON
import Testing
@testable import LimberProtocol

/// The wire format is what Foundation's JSONEncoder wrote before limber had its own JSON.
@Suite struct WireFormat {
    func foundation<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
    }

    /// The request fields as the protocol documents them; absent ones are left out.
    struct DocumentedRequest: Encodable {
        var v = 1
        var cmd: String
        var seconds: Int?
        var until: String?
        var kind: String?
    }

    static let requests: [(Request, DocumentedRequest)] = [
        (.status, .init(cmd: "status")),
        (.snooze(seconds: nil), .init(cmd: "snooze")),
        (.snooze(seconds: 600), .init(cmd: "snooze", seconds: 600)),
        (.done, .init(cmd: "done")),
        (.skip, .init(cmd: "skip")),
        (.pause(seconds: nil, until: nil), .init(cmd: "pause")),
        (.pause(seconds: 3600, until: nil), .init(cmd: "pause", seconds: 3600)),
        (.pause(seconds: nil, until: "14:30"), .init(cmd: "pause", until: "14:30")),
        (.resume, .init(cmd: "resume")),
        (.now(.posture), .init(cmd: "now", kind: "posture")),
        (.now(.routine), .init(cmd: "now", kind: "routine")),
        (.reload, .init(cmd: "reload")),
    ]

    @Test func requestsAreByteForByteWhatFoundationWrote() throws {
        for (request, documented) in Self.requests {
            let line = request.encoded()
            #expect(String(decoding: line, as: UTF8.self) == (try foundation(documented)))
            #expect(Request.decode(line.dropLast()) == .success(request))
        }
    }

    static let report = StatusReport(
        state: "paused", pausedUntil: 1_795_003_600,
        due: .init(kind: .posture, promptID: UInt64.max, shown: 3, snoozesLeft: 0, since: 1_795_000_000),
        next: [.init(kind: .posture, inSeconds: 0, elapsedSeconds: 1800, intervalSeconds: 1800),
               .init(kind: .routine, inSeconds: 2400, elapsedSeconds: 1200, intervalSeconds: 3600)],
        today: .init(due: 3, done: 2, snoozed: 1, skipped: 0, missed: 4),
        notifications: "unknown", version: "0.1.0", pid: Int32.max, configPath: "/home/u/.config/limber/config.toml")

    static let responses: [Response] = [
        .success(),
        .success("posture check done \u{2014} next in 30 min", status: report),
        .success(status: StatusReport(state: "active", pausedUntil: nil, due: nil, next: [], today: .init(),
                                      notifications: "available", version: "0.1.0", pid: 1, configPath: nil)),
        .failure(.nothingDue, "nothing is due"),
        .failure(.configInvalid, "the configuration is invalid; limberd keeps its current configuration",
                 details: ["/c/limber/config.toml:3:7: \"interval\" must be a duration like \"30m\"",
                           "tab\there, bell\u{7}, caf\u{e9} \u{1F600}"]),
        .failure(.internal, "", details: []),
    ]

    @Test func responsesAreByteForByteWhatFoundationWrote() throws {
        for response in Self.responses {
            let line = response.encoded()
            #expect(String(decoding: line, as: UTF8.self) == (try foundation(response)))
            #expect(Response.decode(line.dropLast()) == response)
            let viaFoundation = try JSONDecoder().decode(Response.self, from: Data(line))
            #expect(viaFoundation == response)
        }
    }

    @Test func statusFieldsAreAlwaysPresent() throws {
        let line = String(decoding: Response.success(status: Self.responses[2].status).encoded(), as: UTF8.self)
        #expect(line == #"{"ok":true,"status":{"config_digest":null,"config_path":null,"daily":null,"due":null,"guide":null,"next":[],"notifications":"available","paused_until":null,"pid":1,"presence":null,"sandbox":null,"standing":null,"state":"active","today":{"done":0,"due":0,"missed":0,"natural_breaks":0,"skipped":0,"snoozed":0},"version":"0.1.0","work_hours_start":null},"v":1}"# + "\n")
    }

    @Test(arguments: [
        // Strict JSON: Foundation accepted the first two; RFC 8259 does not.
        (#"{"v":1,"cmd":"status",}"#, ErrorCode.badJSON),
        (#"{"v":1,"cmd":"status","x":[1,]}"#, .badJSON),
        // Well-formed JSON with a number that is not a whole number in range: a bad request.
        (#"{"v":1,"cmd":"snooze","seconds":1.5}"#, .badRequest),
        (#"{"v":1,"cmd":"snooze","seconds":99999999999999999999}"#, .badRequest),
        ("null", .badJSON),
        ("\"status\"", .badJSON),
        ("{\"v\":1,\"cmd\":\"st\u{1}atus\"}", .badJSON),
        (#"{"v":"1","cmd":"status"}"#, .badRequest),
        (#"{"v":1,"cmd":7}"#, .badRequest),
        (#"{"v":1,"cmd":"pause","until":1430}"#, .badRequest),
    ])
    func strictRequests(line: String, code: ErrorCode) {
        guard case .failure(let e) = Request.decode(Array(line.utf8)) else {
            Issue.record("\(line) decoded")
            return
        }
        #expect(e.code == code)
    }

    @Test func typeMismatchesNameTheField() {
        guard case .failure(let e) = Request.decode(Array(#"{"v":1,"cmd":"now","kind":["routine"]}"#.utf8)) else {
            Issue.record()
            return
        }
        #expect(e == RequestError(.badRequest, "field 'kind' has the wrong type"))
    }

    @Test func lenientButValidForms() {
        #expect(Request.decode(Array(#" { "cmd" : "snooze" , "seconds" : 6e2 , "v" : 1.0 , "extra" : {} } "#.utf8))
                == .success(.snooze(seconds: 600)))
        #expect(Request.decode(Array(#"{"v":1,"cmd":"pause","until":"14:30","seconds":null}"#.utf8))
                == .success(.pause(seconds: nil, until: "14:30")))
        #expect(Request.decode(Array(#"{"v":1,"cmd":"\u0073tatus"}"#.utf8)) == .success(.status))
    }
}
