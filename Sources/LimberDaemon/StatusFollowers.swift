import Glibc
import LimberFiles
import LimberProtocol
import Logging

extension ControlServer {
    /// Whether a request line is `subscribe` (cheap test first: most lines are not).
    static func isSubscription(_ line: [UInt8]) -> Bool {
        let needle = Array("subscribe".utf8)
        guard line.count >= needle.count,
              line.indices.contains(where: { i in line[i...].starts(with: needle) }) else { return false }
        if case .success(.subscribe) = Request.decode(line) { return true }
        return false
    }
}

/// Connections that follow the status (`limber status --follow`): each gets the status line
/// when it subscribes and again whenever the schedule changes. Pushed, never polled: an idle
/// follower is one fd the loop watches for its hang-up, with no timer, so any number of them
/// cost the daemon no wake-ups.
///
/// A follower that does not read is dropped once its unsent lines pass a bound; one that
/// sends anything more is ignored (bounded), and its hang-up closes it.
public final class StatusFollowers {
    /// Followers at once; more are told so and closed.
    public let maxFollowers: Int
    /// Unsent bytes a follower may fall behind by before it is dropped.
    public let maxBacklog: Int

    private let loop: EventLoop
    private let logger: Logger?
    /// The status line to send now.
    private let snapshot: () -> [UInt8]
    private var followers: [Int32: Follower] = [:]
    private var lastSent: [UInt8] = []

    /// How many follow now.
    public var count: Int { followers.count }

    private final class Follower {
        let fd: Int32
        let peer: ControlServer.Peer
        var output: [UInt8] = []
        var watch: SourceID?
        var writable = false

        init(fd: Int32, peer: ControlServer.Peer) {
            self.fd = fd
            self.peer = peer
        }
    }

    public init(loop: EventLoop, logger: Logger? = nil, maxFollowers: Int = 64, maxBacklog: Int = 64 * 1024,
                snapshot: @escaping () -> [UInt8]) {
        self.loop = loop
        self.logger = logger
        self.maxFollowers = maxFollowers
        self.maxBacklog = maxBacklog
        self.snapshot = snapshot
    }

    deinit { closeAll() }

    /// Takes over a connection: sends the status now, then on every change.
    public func add(fd: Int32, peer: ControlServer.Peer) {
        guard followers.count < maxFollowers else {
            logger?.warning("refused a status follower: \(maxFollowers) follow already", metadata: ["peer": "\(peer)"])
            let bytes = Response.failure(.busy, "limberd has \(maxFollowers) status followers already; try again later").encoded()
            _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
            close(fd)
            return
        }
        let follower = Follower(fd: fd, peer: peer)
        followers[fd] = follower
        logger?.debug("status follower added", metadata: ["peer": "\(peer)", "followers": "\(followers.count)"])
        let line = snapshot()
        lastSent = line
        follower.output = line
        flush(follower)
        if followers[fd] != nil { setWatch(follower) }
    }

    /// Sends the current status to every follower, unless it is the line they got last.
    public func publish() {
        guard !followers.isEmpty else { return }
        let line = snapshot()
        guard line != lastSent else { return }
        lastSent = line
        for follower in Array(followers.values) {
            follower.output += line
            if follower.output.count > maxBacklog {
                drop(follower, reason: "it fell more than \(maxBacklog) bytes behind")
                continue
            }
            flush(follower)
            // Still waiting to go out: watch for room (the watch is read-only while idle).
            if followers[follower.fd] != nil, !follower.output.isEmpty, !follower.writable { setWatch(follower) }
        }
    }

    /// Closes every follower (limberd stops: they see the end and reconnect to the next one).
    public func closeAll() {
        for follower in Array(followers.values) { drop(follower, reason: nil) }
    }

    private func setWatch(_ follower: Follower) {
        if let id = follower.watch { loop.cancel(id) }
        let fd = follower.fd
        let events: FDEvents = follower.output.isEmpty ? .readable : [.readable, .writable]
        follower.writable = !follower.output.isEmpty
        follower.watch = loop.watch(fd: fd, events: events) { [weak self] happened in
            guard let self, let follower = self.followers[fd] else { return false }
            return self.ready(follower, happened)
        }
    }

    /// Returns whether the watch stays as it is.
    private func ready(_ follower: Follower, _ happened: FDEvents) -> Bool {
        if happened.contains(.readable) || happened.contains(.hangup) {
            var scratch = [UInt8](repeating: 0, count: 512)
            let n = scratch.withUnsafeMutableBytes { recv(follower.fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR && errno != EWOULDBLOCK) {
                drop(follower, reason: nil)
                return false
            }
            // A follower has nothing more to say: what it sends is read and dropped.
        }
        if happened.contains(.writable) {
            flush(follower)
            guard followers[follower.fd] != nil else { return false }
        }
        if follower.writable != !follower.output.isEmpty {
            setWatch(follower)
            return false
        }
        return true
    }

    private func flush(_ follower: Follower) {
        while !follower.output.isEmpty {
            let n = follower.output.withUnsafeBytes {
                send(follower.fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT))
            }
            if n > 0 {
                follower.output.removeFirst(n)
            } else if n < 0, errno == EINTR {
                continue
            } else if n < 0, errno == EAGAIN || errno == EWOULDBLOCK {
                break
            } else {
                drop(follower, reason: nil)
                return
            }
        }
    }

    private func drop(_ follower: Follower, reason: String?) {
        guard followers.removeValue(forKey: follower.fd) != nil else { return }
        if let id = follower.watch { loop.cancel(id) }
        follower.watch = nil
        close(follower.fd)
        if let reason {
            logger?.notice("dropped a status follower: \(reason)", metadata: ["peer": "\(follower.peer)"])
        }
    }
}
