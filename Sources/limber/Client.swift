import ArgumentParser
import LimberCore
import LimberFiles
import LimberProtocol
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// Options every command that talks to limberd shares.
struct ConnectionOptions: ParsableArguments {
    @Flag(name: .long, help: "Print the daemon's answer as JSON.")
    var json = false
}

/// Why the daemon could not be asked.
struct Unreachable: Error {
    var message: String
}

/// Sends one request to limberd and waits for its answer line.
enum Client {
    static let timeoutMilliseconds: Int32 = 5000

    static func socketPath() throws(Unreachable) -> String {
        guard let path = LimberPaths(environment: ProcessInfo.processInfo.environment).controlSocket else {
            throw Unreachable(message: LimberPaths.noRuntimeDirectoryMessage)
        }
        return path
    }

    /// Sends `request` and returns the answer; a `busy` refusal (every connection slot taken,
    /// nothing was done) is retried six times with pauses growing from 50 ms, about 3 s in all.
    static func exchange(_ request: Request) throws(Unreachable) -> Response {
        var pause: Int32 = 50
        for _ in 0..<6 {
            let response = try exchangeOnce(request)
            guard response.error?.code == .busy else { return response }
            _ = poll(nil, 0, pause)
            pause *= 2
        }
        return try exchangeOnce(request)
    }

    /// Milliseconds left until `deadline` (CLOCK_MONOTONIC, in ms); 0 when it has passed.
    private static func remaining(_ deadline: Int64) -> Int32 {
        Int32(clamping: max(0, deadline - monotonicMilliseconds()))
    }

    private static func monotonicMilliseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }

    /// One connection, one request, one answer, all within `timeoutMilliseconds`: connecting
    /// too, since a daemon whose loop is stuck stops accepting and a full backlog would make a
    /// blocking connect() wait for ever.
    static func exchangeOnce(_ request: Request) throws(Unreachable) -> Response {
        let path = try socketPath()
        let deadline = monotonicMilliseconds() + Int64(timeoutMilliseconds)
        let hint = "is it running? Try 'systemctl --user start limber', or run 'limberd' in a terminal."
        let late = "limberd at \(path) did not answer within \(timeoutMilliseconds / 1000) s"
        // Whoever can write in the runtime folder could stand in for limberd: check it first.
        if let distrust = RuntimeFolder.distrust(socketPath: path) {
            throw Unreachable(message: distrust)
        }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { throw Unreachable(message: "cannot create a socket: \(errnoText())") }
        defer { close(fd) }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: addr.sun_path) else {
            throw Unreachable(message: "the socket path \(path) is too long for a Unix socket")
        }
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            for (i, b) in bytes.enumerated() { raw[i] = b }
        }
        while true {
            let connected = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
                }
            }
            if connected == 0 { break }
            let code = errno
            if code == EINTR { continue }
            if code == EAGAIN {
                // A Unix socket's backlog is full: the daemon is not accepting. Try again shortly.
                guard remaining(deadline) > 0 else { throw Unreachable(message: late) }
                _ = poll(nil, 0, min(50, remaining(deadline)))
                continue
            }
            if code == EINPROGRESS {
                guard waitFor(fd, Int16(POLLOUT), deadline: deadline) else { throw Unreachable(message: late) }
                var soError: Int32 = 0
                var length = socklen_t(MemoryLayout<Int32>.size)
                getsockopt(fd, SOL_SOCKET, SO_ERROR, &soError, &length)
                if soError == 0 { break }
                errno = soError
            }
            throw Unreachable(message: "cannot reach limberd at \(path) (\(errnoText())): \(hint)")
        }
        // Nothing is sent to a process of another user, whatever the folder looked like.
        let me = geteuid()
        guard let server = peerUID(fd) else {
            throw Unreachable(message: "cannot tell who serves \(path) (\(errnoText())); nothing was sent")
        }
        guard server == me else {
            throw Unreachable(message: "the process serving \(path) runs as uid \(server), not as you (uid \(me)); "
                + "nothing was sent. Check XDG_RUNTIME_DIR (it should be your own /run/user/\(me)).")
        }
        let line = request.encoded()
        var sent = 0
        while sent < line.count {
            let n = line[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n < 0, errno == EINTR { continue }
            if n < 0, errno == EAGAIN || errno == EWOULDBLOCK {
                guard waitFor(fd, Int16(POLLOUT), deadline: deadline) else { throw Unreachable(message: late) }
                continue
            }
            guard n > 0 else { throw Unreachable(message: "limberd at \(path) closed the connection: \(errnoText())") }
            sent += n
        }
        var answer: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !answer.contains(UInt8(ascii: "\n")) {
            guard waitFor(fd, Int16(POLLIN), deadline: deadline) else { throw Unreachable(message: late) }
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0, errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK { continue }
            guard n > 0 else {
                throw Unreachable(message: "limberd at \(path) closed the connection without an answer")
            }
            answer += buffer[0..<n]
            guard answer.count < 1 << 20 else { throw Unreachable(message: "limberd's answer is too long") }
        }
        let end = answer.firstIndex(of: UInt8(ascii: "\n")) ?? answer.endIndex
        guard let response = Response.decode(answer[..<end]) else {
            throw Unreachable(message: "limberd at \(path) sent an answer this limber cannot read; are both the same version?")
        }
        return response
    }

    /// Waits until `fd` is ready for `events` or the deadline passes; false on the deadline.
    private static func waitFor(_ fd: Int32, _ events: Int16, deadline: Int64) -> Bool {
        while true {
            let left = remaining(deadline)
            guard left > 0 else { return false }
            var pfd = pollfd(fd: fd, events: events, revents: 0)
            let ready = poll(&pfd, 1, left)
            if ready > 0 { return true }
            if ready < 0, errno == EINTR { continue }
            if ready == 0 { return false }
            return true  // let the following call report the error
        }
    }

    /// The uid of the process at the other end (SO_PEERCRED: pid, uid, gid as three 32-bit fields).
    private static func peerUID(_ fd: Int32) -> UInt32? {
        var fields = [UInt32](repeating: 0, count: 3)
        var length = socklen_t(MemoryLayout<UInt32>.size * 3)
        let result = fields.withUnsafeMutableBytes {
            getsockopt(fd, SOL_SOCKET, SO_PEERCRED, $0.baseAddress, &length)
        }
        guard result == 0, length == socklen_t(MemoryLayout<UInt32>.size * 3) else { return nil }
        return fields[1]
    }

    /// Sends `request`; prints the answer (or the error) the way every command does, and
    /// exits 3 or 4 on failure. Returns the response for commands that print more.
    @discardableResult
    static func run(_ request: Request, options: ConnectionOptions, printMessage: Bool = true) throws -> Response {
        let response: Response
        do {
            response = try exchange(request)
        } catch {
            printError("limber: " + error.message)
            throw ExitCode(Limber.Exit.unreachable)
        }
        if options.json {
            print(String(decoding: response.encoded().dropLast(), as: UTF8.self))
        } else if let failure = response.error {
            // Whoever answered on the socket, nothing it says may drive the terminal.
            printError("limber: " + TerminalText.safe(failure.message))
            for line in failure.details ?? [] { printError(TerminalText.safe(line, keepingNewlines: true)) }
        } else if printMessage, let message = response.message {
            print(TerminalText.safe(message, keepingNewlines: true))
        }
        if !response.ok { throw ExitCode(Limber.Exit.refused) }
        return response
    }
}

func errnoText() -> String { String(cString: strerror(errno)) }
