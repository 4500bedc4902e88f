import CSystemd

#if canImport(Glibc)
import Glibc
#endif

/// A one-shot timer on CLOCK_BOOTTIME: a timerfd watched by the loop.
///
/// GLib's timers run on CLOCK_MONOTONIC, which stands still while the machine sleeps: a
/// wake-up due at 14:30 (the end of a pause, the end of work hours) would come as late as the
/// machine slept. This one keeps counting through suspend, so a deadline that passed while
/// asleep fires on resume, and the engine re-evaluates at once, with or without logind.
final class BootAlarm {
    private let fd: Int32
    private let loop: EventLoop
    private var watch: SourceID?
    private let onFire: () -> Void

    /// Nil when the kernel has no timerfd (the caller falls back to the loop's timers).
    init?(loop: EventLoop, onFire: @escaping () -> Void) {
        fd = timerfd_create(CLOCK_BOOTTIME, Int32(TFD_NONBLOCK | TFD_CLOEXEC))
        guard fd >= 0 else { return nil }
        self.loop = loop
        self.onFire = onFire
        watch = loop.watch(fd: fd, events: .readable) { [weak self] _ in
            guard let self else { return false }
            var expirations: UInt64 = 0
            _ = read(self.fd, &expirations, 8)
            self.onFire()
            return true
        }
    }

    deinit {
        if let watch { loop.cancel(watch) }
        close(fd)
    }

    /// Fires once after `delay` (at least a nanosecond from now); replaces an earlier arming.
    func arm(after delay: Duration) {
        let (seconds, attoseconds) = max(delay, .nanoseconds(1)).components
        var spec = itimerspec()
        spec.it_value.tv_sec = Int(seconds)
        spec.it_value.tv_nsec = Int(max(1, attoseconds / 1_000_000_000))
        timerfd_settime(fd, 0, &spec, nil)
    }

    func disarm() {
        var spec = itimerspec()
        timerfd_settime(fd, 0, &spec, nil)
    }
}

/// Reports steps of the wall clock (an NTP step, the user setting the time) without polling:
/// a CLOCK_REALTIME timerfd armed years ahead with TFD_TIMER_CANCEL_ON_SET, which the kernel
/// cancels (read fails with ECANCELED) whenever the clock is set.
///
/// Intervals run on monotonic time and do not care; pause deadlines and work hours follow the
/// wall clock, and the engine's wake-up for them was computed from the old time.
final class ClockStepWatch {
    private let fd: Int32
    private let loop: EventLoop
    private var watch: SourceID?
    private let onStep: () -> Void

    init?(loop: EventLoop, onStep: @escaping () -> Void) {
        fd = timerfd_create(CLOCK_REALTIME, Int32(TFD_NONBLOCK | TFD_CLOEXEC))
        guard fd >= 0 else { return nil }
        self.loop = loop
        self.onStep = onStep
        guard arm() else {
            close(fd)
            return nil
        }
        watch = loop.watch(fd: fd, events: .readable) { [weak self] _ in
            guard let self else { return false }
            var expirations: UInt64 = 0
            let n = read(self.fd, &expirations, 8)
            let stepped = n < 0 && errno == ECANCELED
            _ = self.arm()
            if stepped { self.onStep() }
            return true
        }
    }

    deinit {
        if let watch { loop.cancel(watch) }
        close(fd)
    }

    private func arm() -> Bool {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var spec = itimerspec()
        spec.it_value.tv_sec = now.tv_sec + 10 * 365 * 86_400
        return timerfd_settime(fd, Int32(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET), &spec, nil) == 0
    }
}
