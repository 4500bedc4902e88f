import LimberCore
import LimberFiles
import LimberProtocol
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// `limber status --follow`: subscribes on the control socket and prints a line whenever
/// limberd pushes a change. Between pushes it sleeps in poll(); its only timer is the
/// countdown's next minute. It reconnects after limberd restarts (backing off to 5 s), and
/// ends quietly, with status 0, when whoever reads its output goes away.
struct StatusFollow {
    var format: StatusFormat
    var socketPath: String
    var clock: LocalClock = SystemLocalClock()

    static let maxBackoffMilliseconds: Int32 = 5000
    static let maxLine = 1 << 20

    enum End: Error { case outputClosed }

    func run() -> Int32 {
        signal(SIGPIPE, SIG_IGN)
        var backoff: Int32 = 100
        var lastPrinted: String?
        while true {
            do {
                let fd = try connectAndSubscribe()
                backoff = 100
                let reason = try follow(fd, lastPrinted: &lastPrinted)
                close(fd)
                lastPrinted = try printLine(StatusLine.unreachable(format: format, message: reason), lastPrinted)
            } catch let failure as ConnectFailure {
                do {
                    lastPrinted = try printLine(StatusLine.unreachable(format: format, message: failure.message), lastPrinted)
                } catch {
                    return 0
                }
            } catch {
                return 0  // the output was closed
            }
            // Wait before trying again, but end at once if the reader goes away meanwhile.
            var pfd = pollfd(fd: STDOUT_FILENO, events: 0, revents: 0)
            if poll(&pfd, 1, backoff) > 0, pfd.revents & Int16(POLLERR | POLLHUP) != 0 { return 0 }
            backoff = min(backoff * 2, Self.maxBackoffMilliseconds)
        }
    }

    struct ConnectFailure: Error { var message: String }

    private func connectAndSubscribe() throws(ConnectFailure) -> Int32 {
        try Self.connect(socketPath, sending: .subscribe)
    }

    /// Connects to limberd and sends `request`; the connected socket.
    static func connect(_ socketPath: String, sending request: Request) throws(ConnectFailure) -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw ConnectFailure(message: "cannot create a socket: \(errnoText())") }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(socketPath.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: addr.sun_path) else {
            close(fd)
            throw ConnectFailure(message: "the socket path \(socketPath) is too long for a Unix socket")
        }
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            for (i, b) in bytes.enumerated() { raw[i] = b }
        }
        let connected = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard connected == 0 else {
            let message = "cannot reach limberd at \(socketPath) (\(errnoText())); start it with 'systemctl --user start limber'"
            close(fd)
            throw ConnectFailure(message: message)
        }
        guard writeAll(fd, request.encoded()) == 0 else {
            close(fd)
            throw ConnectFailure(message: "limberd at \(socketPath) closed the connection")
        }
        return fd
    }

    /// One answer line to `request`, as limberd sent it (fields this limber does not know
    /// included), or nil when there is none within `timeout` milliseconds.
    static func answerLine(_ socketPath: String, _ request: Request, timeout: Int32 = 5000) -> [UInt8]? {
        guard let fd = try? connect(socketPath, sending: request) else { return nil }
        defer { close(fd) }
        var answer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while !answer.contains(UInt8(ascii: "\n")) {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, timeout)
            if ready < 0, errno == EINTR { continue }
            guard ready > 0 else { return nil }
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0, errno == EINTR { continue }
            guard n > 0, answer.count < maxLine else { return nil }
            answer += chunk[..<n]
        }
        return Array(answer[..<(answer.firstIndex(of: UInt8(ascii: "\n")) ?? answer.endIndex)])
    }

    /// Prints each pushed status until the connection ends; returns why it ended.
    private func follow(_ fd: Int32, lastPrinted: inout String?) throws -> String {
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        var current: StatusReport?
        var received = monotonicSeconds()
        while true {
            var timeout: Int32 = -1
            if let s = current {
                let age = monotonicSeconds() - received
                if let wait = StatusLine.nextChange(s, format: format, age: age) {
                    timeout = Int32(min(wait, 3600)) * 1000
                }
            }
            var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: STDOUT_FILENO, events: 0, revents: 0)]
            let ready = poll(&fds, 2, timeout)
            if ready < 0 {
                if errno == EINTR { continue }
                return "poll failed: \(errnoText())"
            }
            if fds[1].revents & Int16(POLLERR | POLLHUP) != 0 { throw End.outputClosed }
            if ready == 0, let s = current {
                lastPrinted = try printLine(StatusLine.render(s, format: format, age: monotonicSeconds() - received,
                                                              clock: clock), lastPrinted)
                continue
            }
            guard fds[0].revents != 0 else { continue }
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { return "limberd closed the connection (it stopped or restarted)" }
            buffer += chunk[..<n]
            while let end = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(buffer[..<end])
                buffer.removeSubrange(...end)
                guard let response = Response.decode(line) else {
                    return "limberd sent a line this limber cannot read; are both the same version?"
                }
                if let failure = response.error {
                    printError("limber: " + failure.message)
                    return failure.message
                }
                guard let s = response.status else { continue }
                current = s
                received = monotonicSeconds()
                lastPrinted = try printLine(StatusLine.render(s, format: format, age: 0, clock: clock), lastPrinted)
            }
            guard buffer.count < Self.maxLine else { return "limberd sent a line longer than \(Self.maxLine) bytes" }
        }
    }

    /// Prints `line` unless it is the one printed last; throws when the output is closed.
    private func printLine(_ line: String, _ last: String?) throws -> String {
        guard line != last else { return line }
        // The line carries the daemon's words (a routine's title from the user's catalog): text only.
        guard writeAll(STDOUT_FILENO, Array((TerminalText.safe(line) + "\n").utf8)) == 0 else { throw End.outputClosed }
        return line
    }

    private func monotonicSeconds() -> Int {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int(ts.tv_sec)
    }
}
