import Glibc
import LimberFiles
import LimberProtocol
import Logging

/// The daemon's end of the control socket: accepts local clients of the same user, frames
/// their requests into lines, and writes back one answer line per request, never blocking.
///
/// Driven only by `EventLoop` watches and timers, so it runs on GLib in the daemon and on
/// `PollLoop` in tests. Everything happens on the loop's thread.
public final class ControlServer {
    /// Bounds that keep one misbehaving client from costing the daemon memory or attention.
    public struct Limits: Sendable {
        /// Longest request line accepted, newline excluded.
        public var lineCap: Int
        /// How long a client may go without sending a complete line (before its first request or
        /// between requests), or without taking any of its pending answers.
        public var idleTimeout: Duration
        /// Connections served at once. A further one takes the place of the connection that has
        /// waited longest for its next request; only when every one is busy being answered is it
        /// told so and closed.
        public var maxClients: Int
        /// How long a new connection may take to send its first request before a later one can
        /// take its place. Meanwhile later ones wait in the kernel's backlog: in a burst of
        /// clients, one that connected but has not written yet is not pushed out.
        public var firstRequestGrace: Duration
        /// Unsent answer bytes allowed per client before it is dropped.
        public var maxPendingOutput: Int
        /// The only uid served (the daemon's own by default); tests inject another to see refusal.
        public var allowedUID: UInt32

        /// Limits with the documented defaults.
        public init(lineCap: Int = 64 * 1024, idleTimeout: Duration = .seconds(5), maxClients: Int = 32,
                    firstRequestGrace: Duration = .milliseconds(500),
                    maxPendingOutput: Int = 256 * 1024, allowedUID: UInt32 = getuid()) {
            self.lineCap = lineCap
            self.idleTimeout = idleTimeout
            self.maxClients = maxClients
            self.firstRequestGrace = firstRequestGrace
            self.maxPendingOutput = maxPendingOutput
            self.allowedUID = allowedUID
        }
    }

    /// The process at the other end of a connection, as the kernel reports it (SO_PEERCRED).
    public struct Peer: Sendable, Equatable, CustomStringConvertible {
        /// The client's process id at connect time.
        public var pid: Int32
        /// The client's effective user id.
        public var uid: UInt32
        /// The client's effective group id.
        public var gid: UInt32

        /// A peer with the given credentials.
        public init(pid: Int32, uid: UInt32, gid: UInt32) {
            self.pid = pid
            self.uid = uid
            self.gid = gid
        }

        public var description: String { "pid \(pid) uid \(uid)" }
    }

    /// The socket file.
    public let path: String
    private let loop: EventLoop
    private let limits: Limits
    private let logger: Logger?
    private let handler: ([UInt8], Peer) -> [UInt8]
    private let listenFD: Int32
    private let socketIdentity: (device: dev_t, inode: ino_t)
    private var listenWatch: SourceID?
    private var acceptRetry: SourceID?
    /// An accepted connection that waits for a slot: every slot is taken by a connection still
    /// within its first-request grace. Accepting is paused meanwhile (later ones wait in the
    /// kernel's backlog); a closing connection or the grace's end lets it in.
    private var waitingForRoom: Int32?
    private var clients: [UInt64: Client] = [:]
    private var nextClientID: UInt64 = 1
    /// Counts admissions and answers: a client's `lastProgress` says how long ago it was served.
    private var progressClock: UInt64 = 0
    private var scratch = [UInt8](repeating: 0, count: 64 * 1024)
    private var closed = false
    /// Takes over a connection that asked to follow the status (`subscribe`); the server
    /// forgets it without closing it. Without one, `subscribe` reaches the handler.
    public var onSubscribe: ((_ fd: Int32, _ peer: Peer) -> Void)?

    /// Connections currently open.
    var clientCount: Int { clients.count }

    /// Creates the private runtime folder if needed, replaces a stale socket file, and starts
    /// listening on `path`; `handler` turns one request line into one answer line.
    ///
    /// The caller must hold the `InstanceLock`: an existing socket at `path` is taken to be stale.
    public init(path: String, loop: EventLoop, limits: Limits = .init(), logger: Logger? = nil,
                handler: @escaping (_ request: [UInt8], _ peer: Peer) -> [UInt8]) throws {
        let (fd, identity) = try Self.bindListeningSocket(at: path)
        self.path = path
        self.loop = loop
        self.limits = limits
        self.logger = logger
        self.handler = handler
        listenFD = fd
        socketIdentity = identity
        startAccepting()
        logger?.debug("control socket listening", metadata: ["path": "\(path)"])
    }

    deinit { close() }

    /// Stops listening, closes every connection, and removes the socket file.
    public func close() {
        guard !closed else { return }
        closed = true
        if let id = listenWatch { loop.cancel(id) }
        if let id = acceptRetry { loop.cancel(id) }
        listenWatch = nil
        acceptRetry = nil
        for client in Array(clients.values) { closeClient(client, reason: nil) }
        if let fd = waitingForRoom { Glibc.close(fd) }
        waitingForRoom = nil
        Glibc.close(listenFD)
        // Only our own socket file: a later daemon may already have bound a new one at the path.
        var st = stat()
        if lstat(path, &st) == 0, st.st_dev == socketIdentity.device, st.st_ino == socketIdentity.inode {
            unlink(path)
        }
    }

    // MARK: - Listening

    private static func bindListeningSocket(at path: String) throws -> (Int32, (dev_t, ino_t)) {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        let bytes = Array(path.utf8)
        guard !bytes.isEmpty, !bytes.contains(0) else {
            throw PathError(path: path, message: "'\(path)' is not a usable control socket path")
        }
        guard bytes.count < capacity else {
            throw PathError(path: path, message:
                "the control socket path \(path) is \(bytes.count) bytes long, but Unix sockets allow "
                + "at most \(capacity - 1); point XDG_RUNTIME_DIR at a shorter folder")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, byte) in bytes.enumerated() { raw[i] = byte }
        }

        let dirFD = try PrivateDirectory.open(parentDirectory(of: path), createParents: false, allowSymlink: false)
        Glibc.close(dirFD)

        var st = stat()
        if lstat(path, &st) == 0 {
            guard st.st_mode & S_IFMT == S_IFSOCK else {
                throw PathError(path: path, message:
                    "\(path) exists and is not a socket; limberd will not delete it. Move it away "
                    + "(mv '\(path)' '\(path).old') and start limberd again.")
            }
            // We hold the instance lock, so no live limberd is behind this socket.
            if unlink(path) != 0, errno != ENOENT {
                throw PathError.system("remove the stale control socket", path, errno: errno)
            }
        } else if errno != ENOENT {
            throw PathError.system("inspect", path, errno: errno)
        }

        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue)
                        | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw PathError.system("create the control socket", path, errno: errno) }
        var bound = false
        func fail(_ error: PathError) -> PathError {
            Glibc.close(fd)
            if bound { unlink(path) }
            return error
        }
        // Linux creates the socket file with the mode of the socket's inode (less the umask), so
        // the file is 0600 from its first instant. Changing the umask instead would race with
        // other threads creating files.
        guard fchmod(fd, 0o600) == 0 else {
            throw fail(.system("restrict the permissions of the control socket", path, errno: errno))
        }
        let bindResult = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bindResult == 0 else {
            let code = errno
            if code == EADDRINUSE {
                throw fail(PathError(path: path, code: code, message:
                    "\(path) appeared while limberd was starting; is a second limberd starting "
                    + "without the instance lock? Stop it and try again."))
            }
            throw fail(.system("bind the control socket", path, errno: code))
        }
        bound = true
        guard lstat(path, &st) == 0 else { throw fail(.system("inspect", path, errno: errno)) }
        // Should a kernel ignore the fchmod above, the 0700 folder still keeps others out until this.
        if st.st_mode & 0o077 != 0, chmod(path, 0o600) != 0 {
            throw fail(.system("restrict the permissions of the control socket", path, errno: errno))
        }
        // A burst of connections waits in the kernel rather than being refused (a full backlog
        // makes a non-blocking connect fail with EAGAIN); they are accepted 16 at a time.
        guard listen(fd, 128) == 0 else { throw fail(.system("listen on", path, errno: errno)) }
        return (fd, (st.st_dev, st.st_ino))
    }

    private func startAccepting() {
        acceptRetry = nil
        listenWatch = loop.watch(fd: listenFD, events: .readable) { [weak self] _ in
            self?.acceptReady() ?? false
        }
    }

    /// Accepts what is waiting; returns whether to keep watching the listening socket.
    private func acceptReady() -> Bool {
        guard !closed else { return false }
        // A bounded batch, so a connection storm cannot starve the rest of the daemon.
        for _ in 0..<16 {
            let fd = Sys.accept(listenFD)
            if fd >= 0 {
                if !place(fd) {
                    listenWatch = nil
                    return false
                }
                continue
            }
            let code = errno
            switch code {
            case EINTR, ECONNABORTED, EPROTO:
                continue
            case EAGAIN, EWOULDBLOCK:
                return true
            default:
                // Out of fds or memory: the listening socket stays readable, so retrying at once
                // would spin. Pause and retry later.
                logger?.error("cannot accept control connections: \(errnoText(code)); retrying in 1 s",
                              metadata: ["path": "\(path)"])
                listenWatch = nil
                acceptRetry = loop.after(.seconds(1)) { [weak self] in
                    guard let self, !self.closed else { return }
                    self.startAccepting()
                }
                return false
            }
        }
        return true
    }

    /// Admits a new connection, or holds it until there is room; returns false when held.
    private func place(_ fd: Int32) -> Bool {
        if clients.count >= limits.maxClients, let graceEnds = makeRoom() {
            waitingForRoom = fd
            let delay = graceEnds - ContinuousClock.now
            acceptRetry = loop.after(max(delay, .milliseconds(1))) { [weak self] in
                self?.acceptRetry = nil
                self?.letTheWaitingOneIn()
            }
            return false
        }
        admit(fd)
        return true
    }

    /// A slot may have come free (a connection closed, or a grace ended) for the connection
    /// held back; once it is placed, accepting resumes.
    private func letTheWaitingOneIn() {
        guard let fd = waitingForRoom, !closed else { return }
        waitingForRoom = nil
        if let id = acceptRetry { loop.cancel(id) }
        acceptRetry = nil
        if place(fd) { startAccepting() }
    }

    private func admit(_ fd: Int32) {
        guard let peer = Self.peerCredentials(fd) else {
            logger?.warning("control connection without peer credentials: \(errnoText(errno)); closed")
            Glibc.close(fd)
            return
        }
        guard peer.uid == limits.allowedUID else {
            logger?.notice("refused a control connection from another user", metadata: ["peer": "\(peer)"])
            refuse(fd, .failure(.forbidden,
                "this limberd serves uid \(limits.allowedUID) only, and you are uid \(peer.uid); "
                + "talk to your own limberd through your own XDG_RUNTIME_DIR"))
            return
        }
        if clients.count >= limits.maxClients {
            // Every connection is being answered (`makeRoom` found none waiting for input).
            logger?.warning("refused a control connection: \(limits.maxClients) are open and being answered",
                            metadata: ["peer": "\(peer)"])
            refuse(fd, .failure(.busy,
                "limberd is serving \(limits.maxClients) control connections already; try again in a moment"))
            return
        }
        let client = Client(id: nextClientID, fd: fd, peer: peer, lineCap: limits.lineCap,
                            admitted: ContinuousClock.now)
        nextClientID += 1
        progressClock += 1
        client.lastProgress = progressClock
        clients[client.id] = client
        armTimer(client)
        setInterest(client, .readable)
        // A client usually sends its request with connect(): serve it now, before a burst of
        // newer connections could push it out.
        readInput(client)
        advance(client)
    }

    /// With every slot taken and a newcomer accepted, decides its fate. Connections that sit
    /// idle or trickle bytes (a poller between requests, a slowloris) must not lock a person's
    /// 'limber status' out: the one that has waited longest for its next request is closed to
    /// make room. One that has not had its first-request grace yet is not closed (in a burst,
    /// it may simply not have written yet): returns when that grace ends, and the newcomer
    /// waits. Returns nil when the newcomer can be admitted now (told `busy` when every
    /// connection is being answered).
    private func makeRoom() -> ContinuousClock.Instant? {
        let now = ContinuousClock.now
        var best: Client?
        for client in clients.values {
            let waiting = client.phase == .lingering
                || (client.phase == .serving && client.pendingOutput == 0 && client.queuedStart >= client.queued.count)
            guard waiting else { continue }
            if best == nil || client.lastProgress < best!.lastProgress { best = client }
        }
        if let victim = best, !victim.answered {
            let ends = victim.admitted + limits.firstRequestGrace
            if ends > now { return ends }
        }
        if let victim = best {
            logger?.debug("closed the longest-waiting control connection to make room", metadata: ["peer": "\(victim.peer)"])
            _ = Response.failure(.busy, "closed to make room for another connection; connect again for your next request")
                .encoded().withUnsafeBytes { send(victim.fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
            closeClient(victim, reason: nil)
        }
        return nil
    }

    /// One best-effort answer to a connection that will not be served, then close.
    private func refuse(_ fd: Int32, _ response: Response) {
        let bytes = response.encoded()
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
        Glibc.close(fd)
    }

    private static func peerCredentials(_ fd: Int32) -> Peer? {
        // struct ucred is pid_t, uid_t, gid_t: three 32-bit fields. Glibc hides the type behind _GNU_SOURCE.
        var fields = [UInt32](repeating: 0, count: 3)
        var length = socklen_t(MemoryLayout<UInt32>.size * 3)
        let result = fields.withUnsafeMutableBytes {
            getsockopt(fd, SOL_SOCKET, SO_PEERCRED, $0.baseAddress, &length)
        }
        guard result == 0, length == socklen_t(MemoryLayout<UInt32>.size * 3) else { return nil }
        return Peer(pid: Int32(bitPattern: fields[0]), uid: fields[1], gid: fields[2])
    }

    // MARK: - Connections

    private enum Phase {
        /// Reading requests and answering them.
        case serving
        /// A final answer (timeout, line too long) is being sent; nothing more is read.
        case finishing
        /// The final answer is out and our side is shut down; input is read and discarded until
        /// the client closes, so that closing with unread input cannot reset the connection
        /// before the client has read the answer.
        case lingering
    }

    private final class Client {
        let id: UInt64
        let fd: Int32
        let peer: Peer
        var framer: LineFramer
        var queued: [LineFramer.Item] = []
        var queuedStart = 0
        var output: [UInt8] = []
        var outputStart = 0
        var phase = Phase.serving
        var peerFinished = false
        var discarded = 0
        var open = true
        var watch: SourceID?
        var watchEvents: FDEvents = []
        var watchToken: UInt64 = 0
        var timer: SourceID?
        var lastProgress: UInt64 = 0
        let admitted: ContinuousClock.Instant
        /// Has had at least one answer: its first-request grace no longer applies.
        var answered = false

        init(id: UInt64, fd: Int32, peer: Peer, lineCap: Int, admitted: ContinuousClock.Instant) {
            self.id = id
            self.fd = fd
            self.peer = peer
            self.admitted = admitted
            framer = LineFramer(cap: lineCap)
        }

        var pendingOutput: Int { output.count - outputStart }

        func nextQueued() -> LineFramer.Item? {
            guard queuedStart < queued.count else { return nil }
            defer { queuedStart += 1 }
            return queued[queuedStart]
        }

        func dropQueued() {
            queued.removeAll()
            queuedStart = 0
        }
    }

    /// Watches the client for `events` only: reading stops while answers wait to be written.
    private func setInterest(_ client: Client, _ events: FDEvents) {
        guard client.open else { return }
        if client.watch != nil, client.watchEvents == events { return }
        if let old = client.watch { loop.cancel(old) }
        client.watchToken &+= 1
        let token = client.watchToken
        let id = client.id
        client.watchEvents = events
        client.watch = loop.watch(fd: client.fd, events: events) { [weak self] happened in
            guard let self, let client = self.clients[id], client.watchToken == token else { return false }
            self.clientReady(client, happened)
            // A replaced or closed watch was cancelled already; saying false is harmless then.
            return client.open && client.watchToken == token
        }
    }

    private func clientReady(_ client: Client, _ happened: FDEvents) {
        switch client.phase {
        case .lingering:
            discardInput(client)
        case .serving, .finishing:
            if client.watchEvents.contains(.writable) {
                flush(client)
            } else {
                readInput(client)
            }
            advance(client)
        }
    }

    private func readInput(_ client: Client) {
        // One chunk per wake-up: level-triggered watches call again while more is waiting,
        // and other clients get their turn in between.
        let n = recvRetrying(client.fd)
        if n > 0 {
            client.queued.append(contentsOf: client.framer.append(scratch[..<n]))
        } else if n == 0 {
            client.peerFinished = true
        } else if errno != EAGAIN, errno != EWOULDBLOCK {
            closeClient(client, reason: "read failed: \(errnoText(errno))")
        }
    }

    private func discardInput(_ client: Client) {
        let n = recvRetrying(client.fd)
        if n > 0 {
            client.discarded += n
            // Lingering is a courtesy to a client still sending its oversized request, not an endless sink.
            if client.discarded > Self.lingerBudget { closeClient(client, reason: nil) }
        } else if n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK) {
            closeClient(client, reason: nil)
        }
    }

    private static let lingerBudget = 1024 * 1024

    private func recvRetrying(_ fd: Int32) -> Int {
        while true {
            let n = scratch.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if n >= 0 || errno != EINTR { return n }
        }
    }

    /// Serves queued requests in order while their answers go out at once; otherwise waits for
    /// the client to become writable, then for more input.
    private func advance(_ client: Client) {
        while client.open, !closed {
            if client.pendingOutput > 0 {
                if client.pendingOutput > limits.maxPendingOutput {
                    closeClient(client, reason: "more than \(limits.maxPendingOutput) bytes of answers unread")
                } else {
                    setInterest(client, .writable)
                }
                return
            }
            if client.phase == .finishing {
                startLingering(client)
                return
            }
            guard let item = client.nextQueued() else {
                if client.peerFinished {
                    // EOF: everything complete was answered; an unfinished last line is dropped.
                    closeClient(client, reason: nil)
                } else {
                    setInterest(client, .readable)
                }
                return
            }
            switch item {
            case .line(let line):
                if let take = onSubscribe, Self.isSubscription(line) {
                    handOver(client)
                    take(client.fd, client.peer)
                    return
                }
                var answer = handler(line, client.peer)
                // The handler may have closed the server (or this client) from inside.
                guard client.open, !closed else { return }
                if answer.last != UInt8(ascii: "\n") { answer.append(UInt8(ascii: "\n")) }
                client.output.append(contentsOf: answer)
                progressClock += 1
                client.lastProgress = progressClock
                client.answered = true
                armTimer(client)
            case .tooLong:
                client.dropQueued()
                client.phase = .finishing
                client.output.append(contentsOf: Response.failure(.lineTooLong,
                    "request line longer than \(limits.lineCap) bytes; send one JSON request per line, "
                    + "ending with a newline").encoded())
            }
            flush(client)
        }
    }

    /// Writes as much pending output as the socket takes without blocking.
    private func flush(_ client: Client) {
        var progressed = false
        while client.pendingOutput > 0 {
            let start = client.outputStart
            let n = client.output.withUnsafeBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return send(client.fd, base + start, raw.count - start, Int32(MSG_NOSIGNAL | MSG_DONTWAIT))
            }
            if n > 0 {
                client.outputStart += n
                progressed = true
            } else if n < 0, errno == EINTR {
                continue
            } else if n < 0, errno == EAGAIN || errno == EWOULDBLOCK {
                break
            } else {
                closeClient(client, reason: n < 0 ? "write failed: \(errnoText(errno))" : nil)
                return
            }
        }
        if client.pendingOutput == 0 {
            client.output.removeAll()
            client.outputStart = 0
        } else {
            if client.outputStart >= 64 * 1024 {
                client.output.removeFirst(client.outputStart)
                client.outputStart = 0
            }
            // The unwritable clock runs from the last byte the client took.
            if progressed { armTimer(client) }
        }
    }

    private func startLingering(_ client: Client) {
        client.phase = .lingering
        shutdown(client.fd, Int32(SHUT_WR))
        if client.peerFinished {
            closeClient(client, reason: nil)
            return
        }
        armTimer(client)
        setInterest(client, .readable)
    }

    private func armTimer(_ client: Client) {
        if let old = client.timer { loop.cancel(old) }
        let id = client.id
        client.timer = loop.after(limits.idleTimeout) { [weak self] in
            guard let self, let client = self.clients[id] else { return }
            client.timer = nil
            self.idleExpired(client)
        }
    }

    private func idleExpired(_ client: Client) {
        if client.phase == .lingering {
            closeClient(client, reason: nil)
        } else if client.pendingOutput > 0 {
            closeClient(client, reason: "did not read its answers for \(Self.describe(limits.idleTimeout))")
        } else {
            client.dropQueued()
            client.phase = .finishing
            client.output.append(contentsOf: Response.failure(.timeout,
                "no complete request within \(Self.describe(limits.idleTimeout)); send one JSON request "
                + "per line, ending with a newline").encoded())
            flush(client)
            advance(client)
        }
    }

    /// Forgets a connection that someone else now owns (see `onSubscribe`), leaving it open.
    private func handOver(_ client: Client) {
        client.open = false
        if let id = client.watch { loop.cancel(id) }
        if let id = client.timer { loop.cancel(id) }
        client.watch = nil
        client.timer = nil
        clients[client.id] = nil
        letTheWaitingOneIn()
    }

    private func closeClient(_ client: Client, reason: String?) {
        guard client.open else { return }
        client.open = false
        if let id = client.watch { loop.cancel(id) }
        if let id = client.timer { loop.cancel(id) }
        client.watch = nil
        client.timer = nil
        Glibc.close(client.fd)
        clients[client.id] = nil
        letTheWaitingOneIn()
        if let reason {
            logger?.notice("dropped a control connection: \(reason)", metadata: ["peer": "\(client.peer)"])
        }
    }

    static func describe(_ d: Duration) -> String {
        let (seconds, attoseconds) = d.components
        if attoseconds == 0 { return "\(seconds) s" }
        return "\(seconds * 1000 + attoseconds / 1_000_000_000_000_000) ms"
    }
}

/// C calls that Glibc's Swift module hides behind _GNU_SOURCE.
private enum Sys {
    private typealias Accept4 = @convention(c) (Int32, UnsafeMutablePointer<sockaddr>?,
                                                 UnsafeMutablePointer<socklen_t>?, Int32) -> Int32

    private static let accept4: Accept4? = {
        guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "accept4") else { return nil }
        return unsafeBitCast(symbol, to: Accept4.self)
    }()

    /// accept4 with SOCK_NONBLOCK | SOCK_CLOEXEC, so no fork can inherit the fd in between.
    static func accept(_ fd: Int32) -> Int32 {
        let flags = Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        if let accept4 { return accept4(fd, nil, nil, flags) }
        // No accept4 (not glibc): set the flags right after; the daemon does not fork meanwhile.
        let client = Glibc.accept(fd, nil, nil)
        if client >= 0 {
            _ = fcntl(client, F_SETFD, FD_CLOEXEC)
            _ = fcntl(client, F_SETFL, fcntl(client, F_GETFL) | O_NONBLOCK)
        }
        return client
    }
}
