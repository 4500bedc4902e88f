import JSON

/// The version of the control protocol this build speaks.
public enum ProtocolVersion {
    /// Requests carry `"v": 1`; a different value is answered with `unsupported-version`.
    public static let current = 1
}

/// A reminder kind as the protocol names it.
public enum KindName: String, Codable, Sendable, CaseIterable {
    case posture, routine
}

/// One request of the control protocol: a JSON object on one line.
public enum Request: Sendable, Equatable {
    case status
    /// Snooze the due reminder; `seconds` nil means the configured default.
    case snooze(seconds: Int?)
    case done
    case skip
    /// Pause for `seconds`, until a local `HH:MM`, or (both nil) until resumed.
    case pause(seconds: Int?, until: String?)
    case resume
    /// Make a reminder due now.
    case now(KindName)
    /// Re-read the configuration file.
    case reload
    /// Walk through a routine step by step: the one named, or the due or next one.
    case start(routine: String?)
    /// The current step of the guided routine is done.
    case next
    /// End the guided routine.
    case stop
    /// Keep the connection open and receive a status line now and on every change
    /// (`limber status --follow`).
    case subscribe

    /// The `cmd` value on the wire.
    public var command: String {
        switch self {
        case .status: "status"
        case .snooze: "snooze"
        case .done: "done"
        case .skip: "skip"
        case .pause: "pause"
        case .resume: "resume"
        case .now: "now"
        case .reload: "reload"
        case .start: "start"
        case .next: "next"
        case .stop: "stop"
        case .subscribe: "subscribe"
        }
    }

    /// The longest snooze or pause a request may ask for, in seconds: 115 days, as the CLI's
    /// durations (longer values would only push times out of any useful range).
    public static let maxSeconds = 10_000_000

    /// Every command this build understands, for error messages.
    public static let commands = ["status", "snooze", "done", "skip", "pause", "resume", "now", "reload", "start",
                                  "next", "stop", "subscribe"]
}

/// Why a request line could not be turned into a `Request`.
public struct RequestError: Error, Sendable, Equatable {
    /// A stable machine-readable code, e.g. `bad-json`.
    public var code: ErrorCode
    /// A sentence for a person.
    public var message: String

    public init(_ code: ErrorCode, _ message: String) {
        self.code = code
        self.message = message
    }
}

/// Stable error codes of the protocol.
public enum ErrorCode: String, Codable, Sendable {
    case badJSON = "bad-json"
    case badRequest = "bad-request"
    case unknownCommand = "unknown-command"
    case unsupportedVersion = "unsupported-version"
    case lineTooLong = "line-too-long"
    case timeout = "timeout"
    case nothingDue = "nothing-due"
    case snoozeLimit = "snooze-limit"
    /// A snooze outside 1m to 2h.
    case snoozeLength = "snooze-length"
    case paused = "paused"
    case notPaused = "not-paused"
    case alreadyDue = "already-due"
    case configInvalid = "config-invalid"
    /// `start` named a routine the catalog does not have.
    case unknownRoutine = "unknown-routine"
    /// `start` without a name, and no routine fits the configured equipment and places.
    case noRoutine = "no-routine"
    /// `next` or `stop` with no guided routine under way.
    case notGuiding = "not-guiding"
    /// `start` while a guided routine is under way.
    case alreadyGuiding = "already-guiding"
    case forbidden = "forbidden"
    /// Too many clients at once; try again.
    case busy = "busy"
    case `internal` = "internal"
}

private struct WireRequest: Codable {
    var v: Int?
    var cmd: String?
    var seconds: Int?
    var until: String?
    var kind: String?
    var routine: String?
}

extension Request {
    /// Decodes one request line (without its newline).
    public static func decode(_ line: some Collection<UInt8>) -> Result<Request, RequestError> {
        let wire: WireRequest
        do {
            wire = try JSON.decode(WireRequest.self, from: line)
        } catch DecodingError.typeMismatch(_, let context) where !context.codingPath.isEmpty {
            let field = context.codingPath.last?.stringValue ?? "request"
            return .failure(RequestError(.badRequest, "field '\(field)' has the wrong type"))
        } catch DecodingError.dataCorrupted(let context) where context.underlyingError == nil {
            // Well-formed JSON whose number does not fit (malformed JSON carries a SyntaxError).
            return .failure(RequestError(.badRequest,
                "a number in the request is not a whole number in range: 'seconds' must be from 1 to "
                + "\(maxSeconds), and 'v' is \(ProtocolVersion.current)"))
        } catch {
            return .failure(RequestError(.badJSON, "the request is not a JSON object on one line"))
        }
        guard let v = wire.v else {
            return .failure(RequestError(.badRequest, "missing protocol version: send {\"v\":\(ProtocolVersion.current),\"cmd\":...}"))
        }
        guard v == ProtocolVersion.current else {
            return .failure(RequestError(.unsupportedVersion,
                "protocol version \(v) is not supported; this limberd speaks version \(ProtocolVersion.current)"))
        }
        guard let cmd = wire.cmd else {
            return .failure(RequestError(.badRequest, "missing 'cmd'; one of: \(commands.joined(separator: ", "))"))
        }
        func positive(_ s: Int?) -> Result<Int?, RequestError> {
            guard let s else { return .success(nil) }
            guard s > 0 else { return .failure(RequestError(.badRequest, "'seconds' must be positive, got \(s)")) }
            guard s <= maxSeconds else {
                return .failure(RequestError(.badRequest, "'seconds' must be at most \(maxSeconds) (115 days), got \(s)"))
            }
            return .success(s)
        }
        switch cmd {
        case "status": return .success(.status)
        case "snooze": return positive(wire.seconds).map { .snooze(seconds: $0) }
        case "done": return .success(.done)
        case "skip": return .success(.skip)
        case "pause":
            if wire.seconds != nil, wire.until != nil {
                return .failure(RequestError(.badRequest, "give either 'seconds' or 'until', not both"))
            }
            if let until = wire.until, LocalClockTime(parsing: until) == nil {
                return .failure(RequestError(.badRequest, "'until' must be a time of day like \"14:30\", got \"\(until)\""))
            }
            return positive(wire.seconds).map { .pause(seconds: $0, until: wire.until) }
        case "resume": return .success(.resume)
        case "now":
            let name = wire.kind ?? KindName.posture.rawValue
            guard let kind = KindName(rawValue: name) else {
                return .failure(RequestError(.badRequest, "unknown kind '\(name)'; use posture or routine"))
            }
            return .success(.now(kind))
        case "reload": return .success(.reload)
        case "start":
            if let r = wire.routine, r.isEmpty || r.utf8.count > 200 {
                return .failure(RequestError(.badRequest, "'routine' must be a routine id like \"desk-reset\""))
            }
            return .success(.start(routine: wire.routine))
        case "next": return .success(.next)
        case "stop": return .success(.stop)
        case "subscribe": return .success(.subscribe)
        default:
            return .failure(RequestError(.unknownCommand,
                "unknown command '\(cmd)'; known: \(commands.joined(separator: ", "))"))
        }
    }

    /// Encodes the request as one line of JSON, newline included.
    public func encoded() -> [UInt8] {
        var wire = WireRequest(v: ProtocolVersion.current, cmd: command)
        switch self {
        case .snooze(let s): wire.seconds = s
        case .pause(let s, let u): wire.seconds = s; wire.until = u
        case .now(let k): wire.kind = k.rawValue
        case .start(let r): wire.routine = r
        default: break
        }
        return lineJSON(wire)
    }
}

/// A local time of day `HH:MM` (24-hour), as `pause --until` takes it.
public struct LocalClockTime: Sendable, Equatable {
    public var hour: Int
    public var minute: Int

    /// Parses `H:MM` or `HH:MM`; nil when it is not a valid time of day.
    public init?(parsing text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, (1...2).contains(parts[0].count), parts[1].count == 2,
              parts[0].allSatisfy(\.isASCII), parts[1].allSatisfy(\.isASCII),
              let h = Int(parts[0]), let m = Int(parts[1]),
              (0..<24).contains(h), (0..<60).contains(m)
        else { return nil }
        hour = h
        minute = m
    }
}

func lineJSON<T: Encodable>(_ value: T) -> [UInt8] {
    // Encoding our own plain structs cannot fail; an empty object keeps the line well-formed.
    var bytes = (try? JSON.encode(value)) ?? Array("{}".utf8)
    bytes.append(UInt8(ascii: "\n"))
    return bytes
}
