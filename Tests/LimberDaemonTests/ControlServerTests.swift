import Glibc
@testable import LimberFiles
@testable import LimberDaemon
import LimberProtocol
import Testing
import LimberTestSupport

/// Generous: these waits end as soon as the outcome is there; the bound only stops a broken build hanging.
private let patience = Duration.seconds(20)

@Suite struct ControlServerTests {
    // MARK: Requests and answers

    @Test func answersARequestAndReportsThePeer() throws {
        try withServer { server, loop, fixture in
            let client = try TestClient(server.path, loop)
            client.send(Request.status.encoded())
            #expect(loop.run(until: { client.lines.count == 1 }, timeout: patience))
            #expect(client.responses.first??.ok == true)
            #expect(client.responses.first??.message == "ok status")
            #expect(fixture.peers == [ControlServer.Peer(pid: getpid(), uid: getuid(), gid: getgid())])
        }
    }

    @Test func malformedJSONGetsBadJSON() throws {
        try withServer { server, loop, _ in
            let client = try TestClient(server.path, loop)
            client.send("{\"v\":1,\"cmd\":\n")
            #expect(loop.run(until: { client.lines.count == 1 }, timeout: patience))
            #expect(client.responses.first??.error?.code == .badJSON)
        }
    }

    @Test func unknownCommandGetsUnknownCommand() throws {
        try withServer { server, loop, _ in
            let client = try TestClient(server.path, loop)
            client.send("{\"v\":1,\"cmd\":\"dance\"}\n")
            #expect(loop.run(until: { client.lines.count == 1 }, timeout: patience))
            let failure = client.responses.first??.error
            #expect(failure?.code == .unknownCommand)
            #expect(failure?.message.contains("dance") == true)
        }
    }

    @Test func severalRequestsOnOneConnectionAreAnsweredInOrder() throws {
        try withServer { server, loop, _ in
            let client = try TestClient(server.path, loop)
            // Pipelined in one write, with a CRLF line among them.
            client.send(Request.status.encoded() + Array("{\"v\":1,\"cmd\":\"dance\"}\r\n".utf8) + Request.done.encoded())
            #expect(loop.run(until: { client.lines.count == 3 }, timeout: patience))
            client.send(Request.skip.encoded())
            #expect(loop.run(until: { client.lines.count == 4 }, timeout: patience))
            let responses = client.responses
            #expect(responses[0]?.message == "ok status")
            #expect(responses[1]?.error?.code == .unknownCommand)
            #expect(responses[2]?.message == "ok done")
            #expect(responses[3]?.message == "ok skip")
            #expect(!client.sawEnd)
            #expect(server.clientCount == 1)
        }
    }

    @Test func answerWithoutNewlineGetsOne() throws {
        try withServer(handler: { _, _ in Array("{}".utf8) }) { server, loop, _ in
            let client = try TestClient(server.path, loop)
            client.send(Request.status.encoded())
            #expect(loop.run(until: { client.lines.count == 1 }, timeout: patience))
            #expect(client.received == Array("{}\n".utf8))
        }
    }

    @Test func oversizedLineGetsLineTooLongAndTheConnectionCloses() throws {
        try withServer { server, loop, _ in
            let client = try TestClient(server.path, loop)
            // Eight times the cap (more than a socket buffer holds, so the client is still
            // writing when the answer comes), then a valid request that must not be served.
            client.send([UInt8](repeating: UInt8(ascii: "a"), count: 8 * 64 * 1024) + [UInt8(ascii: "\n")]
                        + Request.status.encoded())
            #expect(loop.run(until: { client.sawEnd }, timeout: patience))
            #expect(client.lines.count == 1)
            let failure = client.responses.first??.error
            #expect(failure?.code == .lineTooLong)
            #expect(failure?.message.contains("65536 bytes") == true)
            #expect(client.writeError == nil)  // the server read the rest rather than resetting
            client.close()
            #expect(loop.run(until: { server.clientCount == 0 }, timeout: patience))
        }
    }

    // MARK: Slow and stuck clients

    @Test func silentClientGetsATimeoutAnswerAndIsClosed() throws {
        let limits = ControlServer.Limits(idleTimeout: .milliseconds(200))
        try withServer(limits: limits) { server, loop, _ in
            let idle = try TestClient(server.path, loop)
            idle.send("{\"v\":1,")  // an unfinished line does not count
            #expect(loop.run(until: { idle.sawEnd }, timeout: patience))
            #expect(idle.lines.count == 1)
            let failure = idle.responses.first??.error
            #expect(failure?.code == .timeout)
            #expect(failure?.message.contains("200 ms") == true)
            #expect(loop.run(until: { server.clientCount == 0 }, timeout: patience))
        }
    }

    @Test func nextClientIsServedWhileASilentOneIsConnected() throws {
        let limits = ControlServer.Limits(idleTimeout: .seconds(600))
        try withServer(limits: limits) { server, loop, _ in
            let idle = try TestClient(server.path, loop)
            #expect(loop.run(until: { server.clientCount == 1 }, timeout: patience))
            let next = try TestClient(server.path, loop)
            next.send(Request.status.encoded())
            #expect(loop.run(until: { next.lines.count == 1 }, timeout: patience))
            #expect(next.responses.first??.ok == true)
            #expect(!idle.sawEnd)
            #expect(server.clientCount == 2)
        }
    }

    @Test func clientThatNeverReadsDoesNotBlockAnother() throws {
        let big = Response.success(String(repeating: "x", count: 300 * 1024)).encoded()
        let limits = ControlServer.Limits(idleTimeout: .seconds(600), maxPendingOutput: 16 * 1024 * 1024)
        try withServer(limits: limits, handler: { _, _ in big }) { server, loop, fixture in
            let stuck = try TestClient(server.path, loop, reading: false)
            for _ in 0..<20 { stuck.send(Request.status.encoded()) }
            // Its receive buffer fills up: the server now holds an answer it cannot write.
            #expect(loop.run(until: { stuck.unreadBytes > 0 && server.clientCount == 1 }, timeout: patience))
            loop.run(for: .milliseconds(50))
            // Back-pressure: no more of its requests are handled while an answer waits.
            #expect(fixture.peers.count < 20)

            let other = try TestClient(server.path, loop)
            other.send(Request.status.encoded())
            #expect(loop.run(until: { other.lines.count == 1 }, timeout: patience))
            #expect(other.lines.count == 1 && other.received.count == big.count)  // not the bytes: too long to print
            #expect(server.clientCount == 2)
            #expect(stuck.unreadBytes < 20 * big.count)
        }
    }

    @Test func clientThatStaysUnwritableIsDroppedAfterTheIdleTimeout() throws {
        let big = [UInt8](repeating: UInt8(ascii: " "), count: 4 * 1024 * 1024)
        let limits = ControlServer.Limits(idleTimeout: .milliseconds(300), maxPendingOutput: 64 * 1024 * 1024)
        try withServer(limits: limits, handler: { _, _ in big }) { server, loop, fixture in
            let stuck = try TestClient(server.path, loop, reading: false)
            stuck.send(Request.status.encoded())
            #expect(loop.run(until: { fixture.peers.count == 1 && server.clientCount == 0 }, timeout: patience))
            #expect(stuck.unreadBytes < big.count)
        }
    }

    @Test func clientWithTooMuchUnreadOutputIsDropped() throws {
        let big = [UInt8](repeating: UInt8(ascii: " "), count: 4 * 1024 * 1024)
        // The idle timeout is far away, so only the output cap can explain the drop.
        let limits = ControlServer.Limits(idleTimeout: .seconds(600), maxPendingOutput: 256 * 1024)
        try withServer(limits: limits, handler: { _, _ in big }) { server, loop, fixture in
            let stuck = try TestClient(server.path, loop, reading: false)
            stuck.send(Request.status.encoded())
            #expect(loop.run(until: { fixture.peers.count == 1 && server.clientCount == 0 }, timeout: patience))
        }
    }

    @Test func aNewClientTakesTheSlotOfTheLongestWaiting() throws {
        let limits = ControlServer.Limits(idleTimeout: .seconds(600), maxClients: 2)
        try withServer(limits: limits) { server, loop, _ in
            let first = try TestClient(server.path, loop)
            let second = try TestClient(server.path, loop)
            #expect(loop.run(until: { server.clientCount == 2 }, timeout: patience))
            // The first is answered once, so the second has now waited longest.
            first.send(Request.status.encoded())
            #expect(loop.run(until: { first.lines.count == 1 }, timeout: patience))
            second.send("{\"v\":1,")  // a trickle that never ends its line
            let third = try TestClient(server.path, loop)
            third.send(Request.status.encoded())
            #expect(loop.run(until: { third.lines.count == 1 && second.sawEnd }, timeout: patience))
            #expect(third.responses.first??.ok == true)
            #expect(second.responses.first??.error?.code == .busy)
            #expect(server.clientCount == 2)
            first.send(Request.done.encoded())
            #expect(loop.run(until: { first.lines.count == 2 }, timeout: patience))
        }
    }

    @Test func aClientThatHasNotWrittenYetIsNotPushedOutByABurst() throws {
        // 40 `limber status` at once against 32 slots: a client whose connect was accepted
        // before its request arrived must not be closed for a later one.
        let limits = ControlServer.Limits(idleTimeout: .seconds(600), maxClients: 2, firstRequestGrace: .seconds(600))
        try withServer(limits: limits) { server, loop, _ in
            let first = try TestClient(server.path, loop)
            let second = try TestClient(server.path, loop)
            #expect(loop.run(until: { server.clientCount == 2 }, timeout: patience))
            let third = try TestClient(server.path, loop)
            third.send(Request.status.encoded())
            // Time for the server to see the third (it used to close the first for it here).
            _ = loop.run(until: { first.sawEnd }, timeout: .milliseconds(200))
            #expect(third.lines.isEmpty)
            first.send(Request.status.encoded())
            second.send(Request.status.encoded())
            #expect(loop.run(until: { first.lines.count == 1 && second.lines.count == 1 }, timeout: patience))
            first.close()
            #expect(loop.run(until: { third.lines.count == 1 }, timeout: patience))
            for client in [first, second, third] {
                #expect(client.responses.first??.ok == true)
            }
        }
    }

    @Test func aSilentNewClientMakesRoomOnceItsGraceIsOver() throws {
        let limits = ControlServer.Limits(idleTimeout: .seconds(600), maxClients: 1, firstRequestGrace: .milliseconds(100))
        try withServer(limits: limits) { server, loop, _ in
            let silent = try TestClient(server.path, loop)
            #expect(loop.run(until: { server.clientCount == 1 }, timeout: patience))
            let person = try TestClient(server.path, loop)
            person.send(Request.status.encoded())
            #expect(loop.run(until: { person.lines.count == 1 && silent.sawEnd }, timeout: patience))
            #expect(person.responses.first??.ok == true)
            #expect(silent.responses.first??.error?.code == .busy)
        }
    }

    @Test func manyIdleAndTricklingClientsCannotLockARequestOut() throws {
        let limits = ControlServer.Limits(idleTimeout: .seconds(600), maxClients: 8)
        try withServer(limits: limits) { server, loop, _ in
            var squatters: [TestClient] = []
            for n in 0..<40 {
                let c = try TestClient(server.path, loop)
                if n % 2 == 0 { c.send("{\"v\":") }
                squatters.append(c)
                _ = loop.run(until: { false }, timeout: .milliseconds(1))
            }
            #expect(loop.run(until: { server.clientCount == 8 }, timeout: patience))
            for _ in 0..<5 {
                let person = try TestClient(server.path, loop)
                person.send(Request.status.encoded())
                #expect(loop.run(until: { person.lines.count == 1 }, timeout: patience))
                #expect(person.responses.first??.ok == true)
            }
            withExtendedLifetime(squatters) {}
        }
    }

    @Test func clientsBeyondTheLimitAreToldWhenEveryOneIsBeingAnswered() throws {
        let big = [UInt8](repeating: UInt8(ascii: " "), count: 1024 * 1024)
        let limits = ControlServer.Limits(idleTimeout: .seconds(600), maxClients: 2, maxPendingOutput: 4 << 20)
        try withServer(limits: limits, handler: { _, _ in big }) { server, loop, _ in
            let first = try TestClient(server.path, loop, reading: false)
            let second = try TestClient(server.path, loop, reading: false)
            first.send(Request.status.encoded())
            second.send(Request.status.encoded())
            #expect(loop.run(until: { server.clientCount == 2 && first.unreadBytes > 0 && second.unreadBytes > 0 },
                             timeout: patience))
            let third = try TestClient(server.path, loop)
            #expect(loop.run(until: { third.sawEnd }, timeout: patience))
            #expect(third.lines.count == 1)
            #expect(third.responses.first??.error?.code == .busy)
            #expect(third.responses.first??.error?.message.contains("2 control connections") == true)
        }
    }

    @Test func halfClosedClientStillGetsItsAnswer() throws {
        try withServer { server, loop, _ in
            let client = try TestClient(server.path, loop)
            client.send(Request.status.encoded())
            client.finishSending()
            #expect(loop.run(until: { client.sawEnd }, timeout: patience))
            #expect(client.responses.map { $0?.message } == ["ok status"])
            #expect(loop.run(until: { server.clientCount == 0 }, timeout: patience))
        }
    }

    @Test func endOfInputMidLineIsDroppedSilently() throws {
        try withServer { server, loop, fixture in
            let client = try TestClient(server.path, loop)
            client.send("{\"v\":1,\"cmd\":\"sta")
            client.finishSending()
            #expect(loop.run(until: { client.sawEnd }, timeout: patience))
            #expect(client.received.isEmpty)
            #expect(loop.run(until: { server.clientCount == 0 }, timeout: patience))
            #expect(fixture.peers.isEmpty)
        }
    }

    // MARK: Who may connect

    @Test func otherUsersAreForbidden() throws {
        let limits = ControlServer.Limits(allowedUID: 12345)
        try withServer(limits: limits) { server, loop, fixture in
            let client = try TestClient(server.path, loop)
            client.send(Request.status.encoded())
            #expect(loop.run(until: { client.sawEnd }, timeout: patience))
            let failure = client.responses.first??.error
            #expect(failure?.code == .forbidden)
            #expect(failure?.message.contains("uid 12345") == true)
            #expect(fixture.peers.isEmpty)
            #expect(server.clientCount == 0)
        }
    }

    // MARK: The socket file and its folder

    @Test func socketIs0600InA0700Folder() throws {
        try withServer { server, _, fixture in
            var st = stat()
            #expect(lstat(server.path, &st) == 0)
            #expect(st.st_mode & S_IFMT == S_IFSOCK)
            #expect(st.st_mode & 0o7777 == 0o600)
            #expect(fileMode(fixture.folder + "/run") == 0o700)
        }
    }

    @Test func wideRuntimeFolderIsTightened() throws {
        try withTemporaryFolder { folder in
            #expect(mkdir(folder + "/run", 0o755) == 0)
            #expect(chmod(folder + "/run", 0o755) == 0)
            let server = try ControlServer(path: folder + "/run/control.sock", loop: PollLoop(), handler: productHandler)
            defer { server.close() }
            #expect(fileMode(folder + "/run") == 0o700)
        }
    }

    @Test func staleSocketFileIsReplaced() throws {
        try withTemporaryFolder { folder in
            let path = folder + "/run/control.sock"
            #expect(mkdir(folder + "/run", 0o700) == 0)
            try leaveStaleSocket(at: path)
            let loop = PollLoop()
            let server = try ControlServer(path: path, loop: loop, handler: productHandler)
            defer { server.close() }
            let client = try TestClient(path, loop)
            client.send(Request.status.encoded())
            #expect(loop.run(until: { client.lines.count == 1 }, timeout: patience))
        }
    }

    @Test func otherFileAtTheSocketPathIsLeftAlone() throws {
        try withTemporaryFolder { folder in
            let path = folder + "/run/control.sock"
            #expect(mkdir(folder + "/run", 0o700) == 0)
            writeFile(path, Array("precious".utf8))
            let error = #expect(throws: PathError.self) {
                try ControlServer(path: path, loop: PollLoop(), handler: productHandler)
            }
            #expect(error?.message.contains("\(path) exists and is not a socket") == true)
            #expect(readText(path) == "precious")
        }
    }

    @Test func symlinkedRuntimeFolderIsRefused() throws {
        try withTemporaryFolder { folder in
            #expect(mkdir(folder + "/real", 0o700) == 0)
            #expect(symlink(folder + "/real", folder + "/run") == 0)
            let error = #expect(throws: PathError.self) {
                try ControlServer(path: folder + "/run/control.sock", loop: PollLoop(), handler: productHandler)
            }
            #expect(error?.message.contains("\(folder)/run is a symbolic link") == true)
            #expect(listFolder(folder + "/real").isEmpty)
        }
    }

    @Test(.enabled(if: getuid() == 0, "needs root to give a folder to another user"))
    func runtimeFolderOfAnotherUserIsRefused() throws {
        try withTemporaryFolder { folder in
            #expect(mkdir(folder + "/run", 0o700) == 0)
            try #require(chown(folder + "/run", 12345, 12345) == 0, "chown: errno \(errno)")
            let error = #expect(throws: PathError.self) {
                try ControlServer(path: folder + "/run/control.sock", loop: PollLoop(), handler: productHandler)
            }
            #expect(error?.message.contains("\(folder)/run belongs to uid 12345") == true)
            #expect(listFolder(folder + "/run").isEmpty)
        }
    }

    @Test func tooLongPathIsNamedInTheError() throws {
        try withTemporaryFolder { folder in
            let path = folder + "/" + String(repeating: "d", count: 100) + "/control.sock"
            let error = #expect(throws: PathError.self) {
                try ControlServer(path: path, loop: PollLoop(), handler: productHandler)
            }
            #expect(error?.message.contains(path) == true)
            #expect(error?.message.contains("at most 107") == true)
        }
    }

    @Test func closeEndsConnectionsAndRemovesTheSocket() throws {
        try withServer { server, loop, _ in
            let client = try TestClient(server.path, loop)
            #expect(loop.run(until: { server.clientCount == 1 }, timeout: patience))
            server.close()
            server.close()  // twice is harmless
            #expect(loop.run(until: { client.sawEnd }, timeout: patience))
            #expect(fileMode(server.path) == nil)
            client.close()
            #expect(loop.sourceCount == 0)
        }
    }
}

// MARK: - Harness

/// Answers like the product will: decode with `Request.decode`, reply with `Response`.
private func productHandler(_ line: [UInt8], _ peer: ControlServer.Peer) -> [UInt8] {
    switch Request.decode(line) {
    case .failure(let error): Response.failure(error.code, error.message).encoded()
    case .success(let request): Response.success("ok \(request.command)").encoded()
    }
}

/// What a test may want to know besides the server and the loop.
private final class Fixture {
    let folder: String
    /// The peer of every request that reached the handler.
    var peers: [ControlServer.Peer] = []
    init(folder: String) { self.folder = folder }
}

/// Runs `body` against a server on `<tmp>/run/control.sock`.
private func withServer(
    limits: ControlServer.Limits = .init(),
    handler: @escaping ([UInt8], ControlServer.Peer) -> [UInt8] = productHandler,
    _ body: (ControlServer, PollLoop, Fixture) throws -> Void
) throws {
    try withTemporaryFolder { folder in
        let loop = PollLoop()
        let fixture = Fixture(folder: folder)
        let server = try ControlServer(path: folder + "/run/control.sock", loop: loop, limits: limits) {
            [fixture] line, peer in
            fixture.peers.append(peer)
            return handler(line, peer)
        }
        defer { server.close() }
        try body(server, loop, fixture)
    }
}

private func leaveStaleSocket(at path: String) throws {
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = unixAddress(path)
    let result = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
    }
    guard result == 0 else { throw TestFailure("bind \(path): \(errnoText(errno))") }
}

private func unixAddress(_ path: String) -> sockaddr_un {
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
        for (i, byte) in path.utf8.enumerated() where i < raw.count - 1 { raw[i] = byte }
    }
    return address
}

/// A real, non-blocking client socket driven by the same loop as the server.
private final class TestClient {
    let fd: Int32
    private let loop: PollLoop
    private(set) var received: [UInt8] = []
    /// EOF or a reset: the server is done with us.
    private(set) var sawEnd = false
    private(set) var writeError: Int32?
    private var outgoing: [UInt8] = []
    private var readWatch: SourceID?
    private var writeWatch: SourceID?

    init(_ path: String, _ loop: PollLoop, reading: Bool = true) throws {
        self.loop = loop
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket: \(errnoText(errno))") }
        var address = unixAddress(path)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard result == 0 else {
            let code = errno
            Glibc.close(fd)
            throw TestFailure("connect \(path): \(errnoText(code))")
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        if reading {
            readWatch = loop.watch(fd: fd, events: .readable) { [weak self] _ in self?.readSome() ?? false }
        }
    }

    deinit { close() }

    var lines: [[UInt8]] {
        received.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropLast().map(Array.init)
    }

    var responses: [Response?] { lines.map { Response.decode($0) } }

    /// Bytes the server sent that this client has not read (its receive queue).
    var unreadBytes: Int {
        var count: Int32 = 0
        _ = ioctl(fd, UInt(FIONREAD), &count)
        return Int(count)
    }

    func send(_ text: String) { send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) {
        outgoing += bytes
        flush()
    }

    /// Shuts down our sending side once everything queued is out.
    func finishSending() {
        precondition(outgoing.isEmpty, "test sends are small enough to go out at once")
        shutdown(fd, Int32(SHUT_WR))
    }

    func close() {
        guard fd >= 0, !closed else { return }
        closed = true
        if let id = readWatch { loop.cancel(id) }
        if let id = writeWatch { loop.cancel(id) }
        Glibc.close(fd)
    }

    private var closed = false

    private func flush() {
        while !outgoing.isEmpty {
            let n = outgoing.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
            if n > 0 {
                outgoing.removeFirst(n)
            } else if n < 0, errno == EAGAIN || errno == EWOULDBLOCK {
                if writeWatch == nil {
                    writeWatch = loop.watch(fd: fd, events: .writable) { [weak self] _ in
                        guard let self else { return false }
                        self.writeWatch = nil
                        self.flush()
                        return false
                    }
                }
                return
            } else {
                writeError = errno
                outgoing.removeAll()
            }
        }
    }

    private func readSome() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
        if n > 0 {
            received += chunk[..<n]
            return true
        }
        if n < 0, errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { return true }
        sawEnd = true
        readWatch = nil
        return false
    }
}
