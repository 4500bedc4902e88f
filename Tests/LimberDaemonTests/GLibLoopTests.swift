import CNotify
import Testing

@testable import LimberDaemon

#if canImport(Glibc)
import Glibc
#endif

/// Tests that use process-wide state, one at a time: GLib's default main context (two loops
/// running at once would dispatch each other's sources), signal dispositions, environment
/// variables (setenv races with getenv in other threads).
@Suite(.serialized) struct ProcessWideState {}

/// A CRITICAL is GLib reporting API misuse (such as g_source_remove on a dead id): make it
/// abort the test run instead of scrolling past. Suites that use GLib touch this in `init`.
let glibCriticalsAreFatal: Void = {
    _ = g_log_set_always_fatal(GLogLevelFlags(rawValue: G_LOG_FLAG_RECURSION.rawValue
            | G_LOG_LEVEL_ERROR.rawValue | G_LOG_LEVEL_CRITICAL.rawValue))
}()

/// Runs `loop` until something quits it or `limit` passes; returns false on the limit.
func runLoop(_ loop: GLibLoop, limit: Duration = .seconds(5)) -> Bool {
    var timedOut = false
    let limiter = loop.after(limit) {
        timedOut = true
        loop.quit()
    }
    loop.run()
    loop.cancel(limiter)
    return !timedOut
}

/// Voluntary context switches of the calling thread: each is a sleep in poll() that ended.
func voluntaryContextSwitchesOfThisThread() -> Int? {
    let fd = open("/proc/thread-self/status", O_RDONLY)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        let n = read(fd, &buffer, buffer.count)
        if n <= 0 { break }
        bytes += buffer[0..<n]
    }
    let text = String(decoding: bytes, as: UTF8.self)
    for line in text.split(separator: "\n") where line.hasPrefix("voluntary_ctxt_switches:") {
        return Int(line.dropFirst("voluntary_ctxt_switches:".count).trimmingPrefix(while: \.isWhitespace))
    }
    return nil
}

private final class Canary {}

extension ProcessWideState {
    @Suite struct GLibLoopTests {
        init() { glibCriticalsAreFatal }

        @Test func timersFireInDueOrder() {
            let loop = GLibLoop()
            var fired: [Int] = []
            loop.after(.milliseconds(30)) { fired.append(30) }
            loop.after(.milliseconds(10)) { fired.append(10) }
            loop.after(.milliseconds(20)) { fired.append(20) }
            loop.after(.milliseconds(45)) { loop.quit() }
            #expect(runLoop(loop))
            #expect(fired == [10, 20, 30])
            #expect(loop.liveSourceCount == 0)
        }

        @Test func timerDoesNotFireEarly() {
            let loop = GLibLoop()
            let clock = SuspendingClock()  // CLOCK_MONOTONIC, like GLib's timers
            let start = clock.now
            var elapsed: Duration = .zero
            loop.after(.milliseconds(50)) {
                elapsed = clock.now - start
                loop.quit()
            }
            #expect(runLoop(loop))
            #expect(elapsed >= .milliseconds(50))
        }

        @Test func cancelledTimerNeverFires() {
            let loop = GLibLoop()
            var fired: [String] = []
            let kept = loop.after(.milliseconds(10)) { fired.append("kept") }
            let dropped = loop.after(.milliseconds(20)) { fired.append("dropped") }
            loop.cancel(dropped)
            #expect(loop.liveSourceCount == 1)
            loop.after(.milliseconds(40)) { loop.quit() }
            #expect(runLoop(loop))
            #expect(fired == ["kept"])
            // Both ids are gone from GLib now; a CRITICAL here would abort the run.
            loop.cancel(kept)
            loop.cancel(dropped)
            loop.cancel(SourceID(rawValue: 987_654))
            #expect(loop.liveSourceCount == 0)
        }

        @Test func timerMayCancelItselfAndOthers() {
            let loop = GLibLoop()
            var fired: [String] = []
            var own = SourceID(rawValue: 0)
            var other = SourceID(rawValue: 0)
            own = loop.after(.milliseconds(10)) {
                fired.append("own")
                loop.cancel(own)
                loop.cancel(other)
            }
            other = loop.after(.milliseconds(20)) { fired.append("other") }
            loop.after(.milliseconds(40)) { loop.quit() }
            #expect(runLoop(loop))
            #expect(fired == ["own"])
            #expect(loop.liveSourceCount == 0)
        }

        @Test func closuresAreReleasedWhenSourcesEnd() {
            let loop = GLibLoop()
            weak var firedCanary: Canary?
            weak var cancelledCanary: Canary?
            do {
                let a = Canary()
                let b = Canary()
                firedCanary = a
                cancelledCanary = b
                loop.after(.milliseconds(5)) { _ = a }
                let id = loop.after(.seconds(60)) { _ = b }
                loop.cancel(id)
            }
            #expect(firedCanary != nil)
            #expect(cancelledCanary == nil)
            loop.after(.milliseconds(20)) { loop.quit() }
            #expect(runLoop(loop))
            #expect(firedCanary == nil)
        }

        @Test func watchSeesPipeReadableAndEndsWhenBodySaysSo() throws {
            let loop = GLibLoop()
            var fds: [Int32] = [-1, -1]
            try #require(pipe(&fds) == 0)
            defer { close(fds[0]); close(fds[1]) }
            var seen: [FDEvents] = []
            var bytes: [UInt8] = []
            loop.watch(fd: fds[0], events: .readable) { events in
                seen.append(events)
                var byte: UInt8 = 0
                if read(fds[0], &byte, 1) == 1 { bytes.append(byte) }
                return bytes.count < 2
            }
            for (delay, byte) in [(10, UInt8(1)), (20, 2), (30, 3)] {
                loop.after(.milliseconds(delay)) {
                    var b = byte
                    _ = write(fds[1], &b, 1)
                }
            }
            loop.after(.milliseconds(60)) { loop.quit() }
            #expect(runLoop(loop))
            #expect(bytes == [1, 2])  // removed after the second; the third stays unread
            #expect(seen == [.readable, .readable])
            #expect(loop.liveSourceCount == 0)
        }

        @Test func watchReportsHangupWhenWriterCloses() throws {
            let loop = GLibLoop()
            var fds: [Int32] = [-1, -1]
            try #require(pipe(&fds) == 0)
            defer { close(fds[0]) }
            var seen: FDEvents = []
            loop.watch(fd: fds[0], events: .readable) { events in
                seen = events
                loop.quit()
                return false
            }
            loop.after(.milliseconds(10)) { close(fds[1]) }
            #expect(runLoop(loop))
            #expect(seen.contains(.hangup))
        }

        @Test func cancelledWatchStopsFiring() throws {
            let loop = GLibLoop()
            var fds: [Int32] = [-1, -1]
            try #require(pipe(&fds) == 0)
            defer { close(fds[0]); close(fds[1]) }
            var calls = 0
            let id = loop.watch(fd: fds[0], events: .readable) { _ in
                calls += 1
                return true
            }
            loop.cancel(id)
            var b: UInt8 = 7
            _ = write(fds[1], &b, 1)
            loop.after(.milliseconds(30)) { loop.quit() }
            #expect(runLoop(loop))
            #expect(calls == 0)
            loop.cancel(id)
        }

        @Test(arguments: [SIGUSR1, SIGHUP])
        func signalHandlerRunsOnTheLoop(signo: Int32) {
            let loop = GLibLoop()
            var received = 0
            // kill(), not raise(): tests run on libdispatch worker threads, which block these
            // signals, so a thread-directed raise() would stay pending there. systemd sends
            // process-directed signals too. The second is sent only once the first has been
            // handled: two pending signals of one number merge into one, so two kills a few
            // milliseconds apart could arrive as one on a busy machine.
            let handler = loop.onSignal(signo) {
                received += 1
                if received == 1 { kill(getpid(), signo) }
                if received == 2 { loop.quit() }
            }
            loop.after(.milliseconds(10)) { kill(getpid(), signo) }
            #expect(runLoop(loop))
            #expect(received == 2)
            #expect(loop.liveSourceCount == 1)
            // GLib restores the default action; the signal must not arrive again after this.
            loop.cancel(handler)
            #expect(loop.liveSourceCount == 0)
        }

        @Test func quitEndsRunAndQuitBeforeRunIsKept() {
            let loop = GLibLoop()
            var after = false
            loop.after(.milliseconds(5)) { loop.quit() }
            loop.after(.milliseconds(30)) { after = true }
            #expect(runLoop(loop))
            #expect(!after)

            loop.quit()
            let clock = SuspendingClock()
            let start = clock.now
            #expect(runLoop(loop, limit: .seconds(2)))
            #expect(clock.now - start < .seconds(1))
        }

        /// Idle must mean asleep in poll(): a 60 s timer must not wake the thread meanwhile.
        @Test func idleLoopDoesNotWakeUp() throws {
            let loop = GLibLoop()
            loop.after(.seconds(60)) {}
            loop.after(.milliseconds(1500)) { loop.quit() }
            let before = try #require(voluntaryContextSwitchesOfThisThread())
            #expect(runLoop(loop))
            let after = try #require(voluntaryContextSwitchesOfThisThread())
            // Figures seen here: 1 or 2 (the single poll() sleep). Busy-waiting shows
            // thousands, a once-a-second tick at least 2 more; 10 leaves room for noise.
            print("GLibLoop idle 1.5 s: \(after - before) voluntary context switches")
            #expect(after - before <= 10)
        }
    }
}

@Suite struct GLibConversionTests {
    @Test func millisecondsRoundUpAndClamp() {
        #expect(GLibConversions.milliseconds(.zero) == 0)
        #expect(GLibConversions.milliseconds(.milliseconds(-5)) == 0)
        #expect(GLibConversions.milliseconds(.nanoseconds(1)) == 1)
        #expect(GLibConversions.milliseconds(.microseconds(1500)) == 2)
        #expect(GLibConversions.milliseconds(.milliseconds(10)) == 10)
        #expect(GLibConversions.milliseconds(.seconds(2700)) == 2_700_000)
        #expect(GLibConversions.milliseconds(.seconds(Int64.max)) == UInt32.max)
        #expect(GLibConversions.milliseconds(.seconds(5_000_000)) == UInt32.max)
    }

    @Test func conditionsMapBothWays() {
        let readable = GLibConversions.condition(.readable).rawValue
        #expect(readable & G_IO_IN.rawValue != 0)
        #expect(readable & G_IO_OUT.rawValue == 0)
        #expect(readable & G_IO_HUP.rawValue != 0)
        #expect(readable & G_IO_ERR.rawValue != 0)
        #expect(GLibConversions.condition(.writable).rawValue & G_IO_OUT.rawValue != 0)
        #expect(GLibConversions.events(G_IO_IN) == .readable)
        #expect(GLibConversions.events(G_IO_OUT) == .writable)
        #expect(GLibConversions.events(GIOCondition(rawValue: G_IO_IN.rawValue | G_IO_HUP.rawValue))
            == [.readable, .hangup])
        #expect(GLibConversions.events(G_IO_NVAL) == .hangup)
    }
}
