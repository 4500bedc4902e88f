import Testing

@testable import LimberDaemon

import LimberTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A stand-in for systemd's notification socket: an AF_UNIX datagram socket in a temp dir.
final class FakeNotifySocket {
    let directory: String
    let path: String
    let fd: Int32

    init() throws {
        var template = Array("/tmp/limber-notify-XXXXXX".utf8CString)
        guard let dir = mkdtemp(&template) else { throw TestFailure("mkdtemp: errno \(errno)") }
        directory = String(cString: dir)
        path = directory + "/notify.sock"
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket: errno \(errno)") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            throw TestFailure("socket path too long: \(path)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
        }
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard rc == 0 else { throw TestFailure("bind \(path): errno \(errno)") }
    }

    deinit {
        close(fd)
        unlink(path)
        rmdir(directory)
    }

    /// Datagrams received so far, without waiting.
    func drain() -> [String] {
        var messages: [String] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = recv(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            if n < 0 { break }
            messages.append(String(decoding: buffer[0..<n], as: UTF8.self))
        }
        return messages
    }
}

extension ProcessWideState {
    @Suite struct SystemdNotifierTests {
        @Test func sendsEachStateToNotifySocket() throws {
            let socket = try FakeNotifySocket()
            setenv("NOTIFY_SOCKET", socket.path, 1)
            defer { unsetenv("NOTIFY_SOCKET") }
            let notifier = SystemdNotifier()
            #expect(notifier.isActive)

            #expect(notifier.ready())
            #expect(notifier.status("posture check in 12 min"))
            #expect(notifier.status("two\nlines"))
            #expect(notifier.pingWatchdog())
            let beforeReload = SystemdNotifier.monotonicMicroseconds()
            #expect(notifier.reloading())
            #expect(notifier.reloadDone())
            #expect(notifier.stopping())

            let messages = socket.drain()
            try #require(messages.count == 7)
            #expect(Array(messages[0..<4]) == [
                "READY=1", "STATUS=posture check in 12 min", "STATUS=two lines", "WATCHDOG=1",
            ])
            let reload = messages[4].split(separator: "\n")
            #expect(reload.first == "RELOADING=1")
            let usec = reload.count == 2 ? UInt64(reload[1].dropFirst("MONOTONIC_USEC=".count)) : nil
            #expect(reload.count == 2 && reload[1].hasPrefix("MONOTONIC_USEC="))
            #expect(usec.map { $0 >= beforeReload && $0 < beforeReload + 5_000_000 } == true)
            #expect(Array(messages[5...]) == ["READY=1", "STOPPING=1"])
        }

        @Test func isSilentWithoutNotifySocket() throws {
            unsetenv("NOTIFY_SOCKET")
            let notifier = SystemdNotifier()
            #expect(!notifier.isActive)
            #expect(!notifier.ready())
            #expect(!notifier.status("x"))
            #expect(!notifier.pingWatchdog())
            #expect(!notifier.stopping())
        }

        @Test func watchdogIntervalComesFromTheEnvironment() {
            defer {
                unsetenv("WATCHDOG_USEC")
                unsetenv("WATCHDOG_PID")
            }
            unsetenv("WATCHDOG_USEC")
            #expect(SystemdNotifier().watchdogInterval == nil)

            setenv("WATCHDOG_USEC", "1500000", 1)
            setenv("WATCHDOG_PID", "\(getpid())", 1)
            #expect(SystemdNotifier().watchdogInterval == .milliseconds(1500))

            // Meant for another process (a parent that did not unset it): not ours.
            setenv("WATCHDOG_PID", "\(getpid() + 1)", 1)
            #expect(SystemdNotifier().watchdogInterval == nil)

            unsetenv("WATCHDOG_PID")
            setenv("WATCHDOG_USEC", "garbage", 1)
            #expect(SystemdNotifier().watchdogInterval == nil)
        }
    }
}
