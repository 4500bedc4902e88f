import Glibc
import LimberCore
@testable import LimberDaemon
import Logging
import Testing
import LimberTestSupport

// The display servers' idle sources without a server: where their sockets are, when they
// are asked for at all, and the inotify wait for a socket to appear. The sources against
// real servers (headless sway, Xvfb) are in Tests/integration/test_display_idle.py.

@Suite struct DisplaySocketTests {
    @Test(arguments: [
        (":0", "/tmp/.X11-unix", "X0"),
        (":12.0", "/tmp/.X11-unix", "X12"),
        ("unix:3", "/tmp/.X11-unix", "X3"),
        ("unix:3.1", "/tmp/.X11-unix", "X3"),
    ])
    func aLocalXDisplayIsItsSocket(_ display: String, _ folder: String, _ name: String) {
        #expect(DisplaySocket.x11(display) == DisplaySocket(folder: folder, name: name))
    }

    @Test(arguments: ["localhost:10.0", "host:0", ":", ":x", ":1x", "", ":12345678", "unix:"])
    func aRemoteOrMalformedXDisplayHasNoSocketToWaitFor(_ display: String) {
        #expect(DisplaySocket.x11(display) == nil)
    }

    @Test func aWaylandNameLivesInTheRuntimeFolderAndAPathIsItself() {
        #expect(DisplaySocket.wayland("wayland-1", runtimeDirectory: "/run/user/1000")
                == DisplaySocket(folder: "/run/user/1000", name: "wayland-1"))
        #expect(DisplaySocket.wayland("/tmp/w/wayland-0", runtimeDirectory: nil)
                == DisplaySocket(folder: "/tmp/w", name: "wayland-0"))
        #expect(DisplaySocket.wayland("/wayland-0", runtimeDirectory: nil)?.path == "/wayland-0")
        #expect(DisplaySocket.wayland("wayland-1", runtimeDirectory: nil) == nil, "no runtime folder")
        #expect(DisplaySocket.wayland("wayland-1", runtimeDirectory: "relative") == nil)
        #expect(DisplaySocket.wayland("a/b", runtimeDirectory: "/run/user/1000") == nil)
        #expect(DisplaySocket.wayland("/tmp/w/", runtimeDirectory: nil) == nil)
    }
}

@Suite(.serialized) struct DisplayIdleWatcherTests {
    let logger = Logger(label: "test")

    @Test func onlyAskedForInTheirOwnKindOfSession() {
        let loop = PollLoop()
        func problem(_ kind: DisplayIdleWatcher.Kind, _ env: [String: String]) -> String? {
            DisplayIdleWatcher(kind: kind, loop: loop, logger: logger, environment: env, threshold: .seconds(120)).problem
        }
        #expect(problem(.wayland, [:])?.contains("WAYLAND_DISPLAY is unset") == true)
        #expect(problem(.x11, [:])?.contains("DISPLAY is unset") == true)
        // Under a Wayland compositor DISPLAY is Xwayland's, which sees only X clients' input.
        #expect(problem(.x11, ["DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0"])?.contains("Xwayland") == true)
        #expect(problem(.x11, ["DISPLAY": ":0"]) == nil)
        #expect(problem(.wayland, ["WAYLAND_DISPLAY": "wayland-0", "XDG_RUNTIME_DIR": "/run/user/1"]) == nil)
    }

    @Test func aMissingCompositorIsReportedAndWaitedForWithoutWakingUp() throws {
        try withTemporaryFolder { folder in
            let loop = PollLoop()
            let w = DisplayIdleWatcher(kind: .wayland, loop: loop, logger: logger,
                                       environment: ["WAYLAND_DISPLAY": "wayland-9", "XDG_RUNTIME_DIR": folder],
                                       threshold: .seconds(120))
            var changes = 0
            w.changed = { changes += 1 }
            w.start()
            #expect(w.probed)
            #expect(!w.live)
            #expect(w.problem?.contains("cannot connect to the Wayland display wayland-9") == true, "\(w.problem ?? "")")
            #expect(changes == 1)
            // Waiting for the socket is an inotify watch, not a timer: the loop sleeps.
            #expect(loop.sourceCount == 1)
            let before = loop.wakeups
            loop.run(for: .milliseconds(300))
            #expect(loop.wakeups - before <= 1, "woken only by the run's own timeout")
            w.stop()
            #expect(loop.sourceCount == 0)
        }
    }

    @Test func aSocketThatAppearsButDoesNotAnswerIsTriedABoundedNumberOfTimes() throws {
        try withTemporaryFolder { folder in
            let loop = PollLoop()
            let w = DisplayIdleWatcher(kind: .wayland, loop: loop, logger: logger,
                                       environment: ["WAYLAND_DISPLAY": "wayland-9", "XDG_RUNTIME_DIR": folder],
                                       threshold: .seconds(120))
            w.start()
            // A plain file where the socket should be: it appears, and connecting fails.
            let fd = open(folder + "/wayland-9", O_CREAT | O_WRONLY, 0o600)
            #expect(fd >= 0)
            close(fd)
            loop.run(for: .milliseconds(200))
            #expect(!w.live)
            #expect(loop.sourceCount == 2, "the inotify watch and one retry timer")
            // After the last retry only the folder watch is left.
            let total = DisplayIdleWatcher.connectDelays.reduce(Duration.zero, +)
            #expect(loop.run(until: { loop.sourceCount == 1 }, timeout: total + .seconds(2)))
            w.stop()
        }
    }
}

@Suite struct SocketWaiterTests {
    @Test func itSeesTheNameAppearAndStopsWhenTheFolderGoes() throws {
        try withTemporaryFolder { parent in
            let folder = parent + "/run"
            #expect(mkdir(folder, 0o700) == 0)
            let loop = PollLoop()
            var seen = 0
            var problem = ""
            let waiter = try #require(SocketWaiter(loop: loop, socket: DisplaySocket(folder: folder, name: "X5"),
                                                   problem: &problem) { seen += 1 })
            for name in ["X50", "X", "wayland-0"] {  // other names are not it
                close(open(folder + "/" + name, O_CREAT | O_WRONLY, 0o600))
            }
            loop.run(for: .milliseconds(100))
            #expect(seen == 0)
            close(open(folder + "/X5", O_CREAT | O_WRONLY, 0o600))
            #expect(loop.run(until: { seen == 1 }, timeout: .seconds(5)))
            #expect(waiter.active)
            for name in ["X5", "X50", "X", "wayland-0"] { unlink(folder + "/" + name) }
            rmdir(folder)
            #expect(loop.run(until: { !waiter.active }, timeout: .seconds(5)))
            #expect(loop.sourceCount == 0)
        }
    }

    @Test func aFolderThatDoesNotExistIsAProblemNamingIt() {
        var problem = ""
        let waiter = SocketWaiter(loop: PollLoop(), socket: DisplaySocket(folder: "/nonexistent/limber", name: "X0"),
                                  problem: &problem) {}
        #expect(waiter == nil)
        #expect(problem.contains("/nonexistent/limber"))
    }
}
