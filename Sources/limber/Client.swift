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

    static func exchange(_ request: Request) throws(Unreachable) -> Response {
        let path = try socketPath()
        let hint = "is it running? Try 'systemctl --user start limber', or run 'limberd' in a terminal."
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
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
        let connected = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard connected == 0 else {
            throw Unreachable(message: "cannot reach limberd at \(path) (\(errnoText())): \(hint)")
        }
        let line = request.encoded()
        var sent = 0
        while sent < line.count {
            let n = line[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { throw Unreachable(message: "limberd at \(path) closed the connection: \(errnoText())") }
            sent += n
        }
        var answer: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !answer.contains(UInt8(ascii: "\n")) {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, timeoutMilliseconds)
            if ready < 0, errno == EINTR { continue }
            guard ready > 0 else {
                throw Unreachable(message: "limberd at \(path) did not answer within \(timeoutMilliseconds / 1000) s")
            }
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0, errno == EINTR { continue }
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
