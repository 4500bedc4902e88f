import Glibc
@testable import LimberFiles
@testable import LimberDaemon
import Testing
import LimberTestSupport

@Suite struct PollLoopTests {
    @Test func timersFireInDeadlineOrderAndCancelledOnesNever() {
        let loop = PollLoop()
        var fired: [String] = []
        loop.after(.milliseconds(60)) { fired.append("late") }
        loop.after(.milliseconds(20)) { fired.append("early") }
        let cancelled = loop.after(.milliseconds(10)) { fired.append("cancelled") }
        loop.cancel(cancelled)
        loop.after(.milliseconds(40)) { fired.append("middle") }
        #expect(loop.run(until: { fired.count == 3 }, timeout: .seconds(10)))
        #expect(fired == ["early", "middle", "late"])
        #expect(loop.sourceCount == 0)
    }

    @Test func sleepsUntilTheTimerInsteadOfSpinning() {
        let loop = PollLoop()
        var fired = false
        loop.after(.milliseconds(150)) { fired = true }
        #expect(loop.run(until: { fired }, timeout: .seconds(10)))
        // One poll that sleeps until the deadline, perhaps one more if the kernel woke us a hair
        // early; a spinning loop would count thousands.
        #expect(loop.wakeups <= 3)
    }

    @Test func runReturnsOnQuitAndWhenNothingIsLeft() {
        let loop = PollLoop()
        var ticks = 0
        func tick() {
            ticks += 1
            if ticks == 3 { loop.quit() } else { loop.after(.milliseconds(1)) { tick() } }
        }
        loop.after(.zero) { tick() }
        loop.after(.seconds(3600)) { Issue.record("run() should have returned on quit()") }
        loop.run()
        #expect(ticks == 3)

        let empty = PollLoop()
        empty.run()  // returns at once: nothing could ever wake it
        #expect(empty.sourceCount == 0)
    }

    @Test func zeroDelayTimerAddedFromATimerWaitsForTheNextRound() {
        let loop = PollLoop()
        var order: [Int] = []
        loop.after(.zero) {
            order.append(1)
            loop.after(.zero) { order.append(3) }
        }
        loop.after(.zero) { order.append(2) }
        loop.runOnce(timeout: .zero)
        #expect(order == [1, 2])
        loop.runOnce(timeout: .zero)
        #expect(order == [1, 2, 3])
    }

    @Test func runUntilGivesUpAtTheTimeout() {
        let loop = PollLoop()
        #expect(loop.run(until: { false }, timeout: .milliseconds(30)) == false)
    }

    @Test func readableWatchFiresAndReturningFalseRemovesIt() throws {
        let loop = PollLoop()
        let (readEnd, writeEnd) = try makePipe()
        defer { close(readEnd); close(writeEnd) }
        var seen: [FDEvents] = []
        loop.watch(fd: readEnd, events: .readable) { events in
            seen.append(events)
            return false
        }
        #expect(loop.runOnce(timeout: .zero) == false)  // nothing written yet
        #expect(write(writeEnd, "x", 1) == 1)
        #expect(loop.run(until: { !seen.isEmpty }, timeout: .seconds(10)))
        #expect(seen == [.readable])
        #expect(loop.sourceCount == 0)
    }

    @Test func writableAndHangupAreReported() throws {
        let loop = PollLoop()
        let (readEnd, writeEnd) = try makePipe()
        var writable = false
        loop.watch(fd: writeEnd, events: .writable) { events in
            writable = events.contains(.writable)
            return false
        }
        #expect(loop.run(until: { writable }, timeout: .seconds(10)))

        var hangup = false
        let watch = loop.watch(fd: readEnd, events: .readable) { events in
            hangup = events.contains(.hangup)
            return !hangup
        }
        close(writeEnd)
        #expect(loop.run(until: { hangup }, timeout: .seconds(10)))
        loop.cancel(watch)  // already gone: harmless
        close(readEnd)
    }

    @Test func aCallbackMayCancelAnotherReadyWatch() throws {
        let loop = PollLoop()
        let (r1, w1) = try makePipe()
        let (r2, w2) = try makePipe()
        defer { [r1, w1, r2, w2].forEach { close($0) } }
        _ = write(w1, "x", 1)
        _ = write(w2, "x", 1)
        var calls: [String] = []
        var second: SourceID?
        loop.watch(fd: r1, events: .readable) { _ in
            calls.append("first")
            if let second { loop.cancel(second) }
            return false
        }
        second = loop.watch(fd: r2, events: .readable) { _ in
            calls.append("second")
            return false
        }
        loop.runOnce(timeout: .seconds(10))
        #expect(calls == ["first"])
        #expect(loop.sourceCount == 0)
    }

    @Test func closedFdIsDroppedRatherThanSpinning() throws {
        let loop = PollLoop()
        let (readEnd, writeEnd) = try makePipe()
        close(readEnd)
        close(writeEnd)
        var calls = 0
        loop.watch(fd: readEnd, events: .readable) { _ in
            calls += 1
            return true
        }
        loop.runOnce(timeout: .seconds(10))
        loop.runOnce(timeout: .zero)
        #expect(calls == 1)
        #expect(loop.sourceCount == 0)
    }
}

func makePipe() throws -> (Int32, Int32) {
    var fds: [Int32] = [-1, -1]
    guard pipe(&fds) == 0 else { throw TestFailure("pipe: \(errnoText(errno))") }
    return (fds[0], fds[1])
}
