"""The control socket against misbehaving clients (ARCHITECTURE.md, "Control protocol"): every
request line gets an answer, errors are coded, and a slow or stuck client blocks nobody."""

import json
import socket
import threading
import time

import harness
from harness import ControlClient, DaemonTestCase

harness.require_binaries()
harness.require_commands("dbus-daemon", "dbus-send")
harness.require_python_modules()

STATUS = b'{"v":1,"cmd":"status"}\n'


class SocketRobustness(DaemonTestCase):
    def setUp(self):
        super().setUp()
        self.start_daemon()
        self.addCleanup(self.assert_still_serving)

    def connect(self, timeout=5):
        c = ControlClient(self.tenv.socket_path, timeout=timeout)
        self.addCleanup(c.close)
        return c

    def assert_still_serving(self):
        self.assertTrue(self.daemon.alive(), f"limberd died:\n{self.daemon.stderr()}")
        with ControlClient(self.tenv.socket_path) as c:
            answer = c.request({"v": 1, "cmd": "status"})
        self.assertIs(answer.get("ok"), True, answer)

    def assert_error(self, answer, code):
        self.assertIs(answer.get("ok"), False, answer)
        self.assertEqual(answer.get("v"), 1, answer)
        error = answer.get("error") or {}
        self.assertEqual(error.get("code"), code, answer)
        self.assertTrue(error.get("message"), f"an error carries a message: {answer}")

    def exchange(self, line):
        c = self.connect()
        c.send(line)
        return c.read_json()

    def test_status_answer_shape(self):
        answer = self.exchange(STATUS)
        self.assertIs(answer.get("ok"), True, answer)
        self.assertEqual(answer.get("v"), 1)
        self.assertEqual(answer["status"]["pid"], self.daemon.pid)

    def test_malformed_json(self):
        self.assert_error(self.exchange(b'{"v":1,"cmd":\n'), "bad-json")

    def test_not_an_object(self):
        self.assert_error(self.exchange(b'"status"\n'), "bad-json")

    def test_unknown_command(self):
        self.assert_error(self.exchange(b'{"v":1,"cmd":"frobnicate"}\n'), "unknown-command")

    def test_unsupported_version(self):
        self.assert_error(self.exchange(b'{"v":99,"cmd":"status"}\n'), "unsupported-version")

    def test_missing_version(self):
        self.assert_error(self.exchange(b'{"cmd":"status"}\n'), "bad-request")

    def test_oversized_line(self):
        c = self.connect()
        line = b'{"v":1,"cmd":"status","pad":"' + b"x" * (70 * 1024) + b'"}\n'
        sender = threading.Thread(target=c.send, args=(line,), daemon=True)
        sender.start()  # the daemon may answer (and close) before it has read everything
        self.assert_error(c.read_json(timeout=5), "line-too-long")
        sender.join(timeout=5)

    def test_several_requests_on_one_connection(self):
        c = self.connect()
        c.send(STATUS + b'{"v":1,"cmd":"frobnicate"}\n' + STATUS)
        answers = [c.read_json() for _ in range(3)]
        self.assertIs(answers[0].get("ok"), True, answers)
        self.assert_error(answers[1], "unknown-command")
        self.assertIs(answers[2].get("ok"), True, answers)

    def test_idle_client_does_not_block_others_and_is_timed_out(self):
        # Connections are accepted in the order they came: the idle one is in first.
        idle = self.connect(timeout=15)
        t0 = time.monotonic()
        with ControlClient(self.tenv.socket_path) as other:
            answer = other.request({"v": 1, "cmd": "status"}, timeout=2)
        self.assertIs(answer.get("ok"), True, answer)
        self.assertLess(time.monotonic() - t0, 2, "status was slow while an idle client waited")
        t1 = time.monotonic()
        line = idle.read_line(timeout=15)
        waited = time.monotonic() - t1
        self.assertLess(waited, 12, "an idle client should be dropped within about 10 s")
        if line:  # answered before closing: it must say why
            self.assert_error(json.loads(line), "timeout")
        self.assertEqual(idle.read_line(timeout=5), b"", "after the timeout the connection closes")

    def test_half_written_request_does_not_block_others(self):
        slow = self.connect(timeout=15)
        slow.send(b'{"v":1,"cmd":')
        with ControlClient(self.tenv.socket_path) as other:
            answer = other.request({"v": 1, "cmd": "status"}, timeout=2)
        self.assertIs(answer.get("ok"), True, answer)

    def test_client_that_vanishes_mid_request(self):
        for payload in (b'{"v":1,"cmd":"sta', STATUS):
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(str(self.tenv.socket_path))
            s.sendall(payload)
            s.close()  # before reading the answer
        # Handled in order: once a later client is answered, those were dealt with.
        self.assertIs(self.exchange(STATUS).get("ok"), True)
        self.assertTrue(self.daemon.alive())

    def test_client_that_never_reads(self):
        # Many requests, no reads: the answers pile up in the socket buffer; the daemon
        # must not block on writing them.
        greedy = self.connect()
        greedy.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        greedy.sock.settimeout(0.5)
        try:
            for _ in range(2000):
                greedy.sock.send(STATUS)
        except (socket.timeout, BlockingIOError, BrokenPipeError, ConnectionResetError):
            pass  # the daemon stopped reading from us, or dropped us: both fine
        with ControlClient(self.tenv.socket_path) as other:
            answer = other.request({"v": 1, "cmd": "status"}, timeout=2)
        self.assertIs(answer.get("ok"), True, answer)

    def test_many_clients_at_once(self):
        results = []

        def ask():
            try:
                with ControlClient(self.tenv.socket_path) as c:
                    results.append(c.request({"v": 1, "cmd": "status"}, timeout=5).get("ok"))
            except Exception as e:  # recorded, asserted below
                results.append(repr(e))
        threads = [threading.Thread(target=ask) for _ in range(40)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=10)
        self.assertEqual(results, [True] * 40)
