#!/usr/bin/env python3
"""qmemman's client protocol, byte for byte, against `balloond --sandbox` serving the socket.

What Qubes' qubesd sends, and what a hostile local client might: a request that succeeds after
balloond shrinks the guests, one it must refuse, invalid ones, memory kept free until the client
closes, released on close and on SIGKILL, and clients that send nothing, send 1 MiB or open many
connections, dropped while balancing goes on.

Usage: qmemman_wire_test.py BALLOOND BALLOONCTL
"""

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

BALLOOND = ""
BALLOONCTL = ""
MIB = 1024 * 1024
GIB = 1024 * MIB

# 8 GiB, 1 GiB free at the start; the two big guests use far less than they hold.
SCENARIO = """
name = "qmemman-wire"
[host]
memory = "8G"
dom0 = "1G"
seed = 4
duration = "1h"
step = "100ms"
[[domain]]
name = "fat-a"
memory = "3G"
maxmem = "3G"
workload = { kind = "idle", base = "500M" }
[[domain]]
name = "fat-b"
memory = "3G"
maxmem = "3G"
workload = { kind = "steady", base = "1G", noise = 0 }
"""


def eventually(condition, timeout, what):
    """Polls `condition` every 50 ms (a sandbox over D-Bus offers nothing to wait on)."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("not within %.0f s: %s" % (timeout, what))
        time.sleep(0.05)


class Sandbox:
    """balloond --sandbox with [compat] qmemman-socket on, and its private bus."""

    def __init__(self):
        self.dir = tempfile.TemporaryDirectory(prefix="qmemman-wire-")
        self.socket = os.path.join(self.dir.name, "qmemman.sock")
        scenario = os.path.join(self.dir.name, "scenario.toml")
        config = os.path.join(self.dir.name, "balloond.toml")
        with open(scenario, "w", encoding="utf-8") as f:
            f.write(SCENARIO)
        with open(config, "w", encoding="utf-8") as f:
            f.write('[compat]\nqmemman-socket = "%s"\nqmemman-timeout = "20s"\n' % self.socket)
        self.stdout = open(os.path.join(self.dir.name, "stdout"), "w+", encoding="utf-8")
        self.stderr = open(os.path.join(self.dir.name, "stderr"), "w+", encoding="utf-8")
        self.process = subprocess.Popen(
            [BALLOOND, "--sandbox", scenario, "--config", config, "--for", "10m"],
            stdout=self.stdout, stderr=self.stderr)
        self.bus = eventually(self._bus_address, 30, "the sandbox prints its bus address")
        eventually(lambda: os.path.exists(self.socket), 10, "the qmemman socket exists")

    def _bus_address(self):
        if self.process.poll() is not None:
            raise AssertionError("balloond --sandbox exited: " + self.log())
        with open(self.stdout.name, encoding="utf-8") as f:
            for line in f:
                marker = "export BALLOONCTL_BUS_ADDRESS='"
                if marker in line:
                    return line.split(marker, 1)[1].rstrip().rstrip("'")
        return None

    def log(self):
        with open(self.stderr.name, encoding="utf-8") as f:
            return f.read()

    def balloonctl(self, *args):
        return json.loads(self.balloonctl_plain(*args))

    def balloonctl_plain(self, *args):
        env = dict(os.environ, BALLOONCTL_BUS_ADDRESS=self.bus)
        return subprocess.run([BALLOONCTL, *args], env=env, capture_output=True, text=True,
                              timeout=30, check=True).stdout

    def host(self):
        return self.balloonctl("list", "--json")["host"]

    def reservations(self):
        return self.balloonctl("reservations", "--json")["reservations"]

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)
        self.stdout.close()
        self.stderr.close()
        self.dir.cleanup()


def connect(path, timeout=30.0):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect(path)
    return s


def read_answer(s):
    """Everything until the first newline or the server's close."""
    data = b""
    while not data.endswith(b"\n"):
        chunk = s.recv(64)
        if not chunk:
            break
        data += chunk
    return data


def ask(path, request):
    """One request on its own connection; the answer and the still open connection."""
    s = connect(path)
    s.sendall(request)
    return read_answer(s), s


def ask_once(path, request):
    """One request; the answer, the connection closed."""
    answer, s = ask(path, request)
    s.close()
    return answer


def closed_by_server(s, timeout):
    """True when the server closes `s` within `timeout` (recv returns EOF or a reset)."""
    s.settimeout(timeout)
    try:
        while True:
            if not s.recv(4096):
                return True
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False


class QmemmanWire(unittest.TestCase):
    sandbox = None

    @classmethod
    def setUpClass(cls):
        cls.sandbox = Sandbox()

    @classmethod
    def tearDownClass(cls):
        cls.sandbox.stop()

    def tearDown(self):
        # Every test ends with nothing reserved, so the next starts from a balancing host.
        eventually(lambda: not self.sandbox.reservations(), 20, "no reservation is left")

    def owned_by(self, pid):
        return [r for r in self.sandbox.reservations() if r["owner"] == "pid %d (qmemman)" % pid]

    def test_a_request_is_answered_ok_and_its_memory_kept_free_until_close(self):
        answer, s = ask(self.sandbox.socket, b"%d\n" % (1536 * MIB))
        self.assertEqual(answer, b"OK\n")
        # Held by this process, listed like any reservation, and kept free round after round.
        mine = self.owned_by(os.getpid())
        self.assertEqual(len(mine), 1, self.sandbox.reservations())
        self.assertEqual(mine[0]["size_kib"], 1536 * 1024)
        for _ in range(3):
            host = self.sandbox.host()
            self.assertGreaterEqual(host["free_kib"], 1536 * 1024)
            self.assertEqual(host["reserved_kib"], 1536 * 1024)
            time.sleep(1)
        s.close()
        eventually(lambda: not self.owned_by(os.getpid()), 10, "closing releases it")
        # Balancing resumes: the guests take the memory back (1 GiB was free before).
        eventually(lambda: self.sandbox.host()["free_kib"] < 1280 * 1024, 30,
                   "the guests grow back after the close")

    def test_a_request_the_guests_cannot_cover_is_refused(self):
        started = time.monotonic()
        answer, s = ask(self.sandbox.socket, b"%d\n" % (7 * GIB + 512 * MIB))
        self.assertEqual(answer, b"FAIL\n")
        self.assertTrue(closed_by_server(s, 5), "the connection ends after FAIL")
        s.close()
        self.assertLess(time.monotonic() - started, 20, "refused before qmemman-timeout")
        self.assertIn("cannot free", self.sandbox.log())

    def test_more_than_the_host_has_is_refused_at_once(self):
        self.assertEqual(ask_once(self.sandbox.socket, b"%d\n" % (64 * GIB)), b"FAIL\n")

    def test_zero_bytes_is_ok_at_once(self):
        self.assertEqual(ask_once(self.sandbox.socket, b"0\n"), b"OK\n")

    def test_anything_else_is_invalid_arg(self):
        for request in [b"hello\n", b"1 2\n", b"-5\n", b"1e9\n", b"007\n", b"3:1:2\n",
                        b"1:5 1:6\n", b"32752:0\n", b"\n", b"\x00\xff\n"]:
            answer, s = ask(self.sandbox.socket, request)
            self.assertEqual(answer, b"INVALID_ARG\n", request)
            self.assertTrue(closed_by_server(s, 5), request)
            s.close()

    def test_a_second_request_on_one_connection_is_invalid(self):
        answer, s = ask(self.sandbox.socket, b"0\n1024\n")
        self.assertEqual(answer, b"INVALID_ARG\n")
        self.assertTrue(closed_by_server(s, 5))
        s.close()

    def test_domain_sizes_are_answered_once_reached(self):
        domains = self.sandbox.balloonctl("list", "--json")["domains"]
        fat_b = next(d for d in domains if d["name"] == "fat-b")
        answer, s = ask(self.sandbox.socket, b"%d:%d\n" % (fat_b["id"], 2 * GIB))
        self.assertEqual(answer, b"OK\n")
        self.assertTrue(closed_by_server(s, 5))
        s.close()
        after = next(d for d in self.sandbox.balloonctl("list", "--json")["domains"]
                     if d["name"] == "fat-b")
        self.assertEqual(after["target_kib"], 2 * GIB // 1024)
        self.assertLessEqual(abs(after["actual_kib"] - after["target_kib"]),
                             after["target_kib"] // 10)
        # 0: back to its preferred size, the policy's.
        answer = ask_once(self.sandbox.socket, b"%d:0\n" % fat_b["id"])
        self.assertEqual(answer, b"OK\n")
        self.assertFalse(next(d for d in self.sandbox.balloonctl("list", "--json")["domains"]
                              if d["name"] == "fat-b")["pinned"])
        answer = ask_once(self.sandbox.socket, b"999:0\n")
        self.assertEqual(answer, b"FAIL\n")

    def test_a_client_killed_while_holding_memory_releases_it(self):
        client = subprocess.Popen(
            [sys.executable, "-c",
             "import socket,sys,time\n"
             "s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])\n"
             "s.sendall(b'%d\\n'); print(s.recv(16).decode(), end='', flush=True)\n"
             "time.sleep(600)\n" % GIB, self.sandbox.socket],
            stdout=subprocess.PIPE, text=True)
        try:
            self.assertEqual(client.stdout.readline(), "OK\n")
            self.assertEqual(len(self.owned_by(client.pid)), 1)
        finally:
            client.kill()
            client.wait()
            client.stdout.close()
        eventually(lambda: not self.owned_by(client.pid), 10, "SIGKILL releases it")

    def test_a_client_that_sends_nothing_is_dropped(self):
        s = connect(self.sandbox.socket)
        started = time.monotonic()
        self.assertTrue(closed_by_server(s, 15))
        self.assertLess(time.monotonic() - started, 10)
        s.close()
        self.assertIn("sent no complete request within 5000 ms; dropped", self.sandbox.log())

    def test_a_client_that_sends_a_mebibyte_is_refused(self):
        s = connect(self.sandbox.socket)
        try:
            s.sendall(b"1" * MIB)
        except (BrokenPipeError, ConnectionResetError):
            pass  # balloond stopped reading after 1025 bytes and closed
        self.assertEqual(read_answer(s), b"INVALID_ARG\n")
        s.close()
        self.assertIn("sent more than 1024 bytes without a newline", self.sandbox.log())

    def test_many_connections_are_bounded_while_balancing_goes_on(self):
        started = time.monotonic()
        sockets = [connect(self.sandbox.socket) for _ in range(200)]
        try:
            # Accepted in order: beyond the first 64, each is closed as soon as it is accepted...
            for s in sockets[64:]:
                self.assertTrue(closed_by_server(s, 5))
            self.assertLess(time.monotonic() - started, 5, "before any idle connection ends")
            # ...and balloond still runs rounds meanwhile (rebalance answers after one).
            self.sandbox.balloonctl_plain("rebalance")
            self.assertIn("connections open", self.sandbox.log())
            # The 64 it kept are dropped after the 5 s they have to send a request.
            for s in sockets[:64]:
                self.assertTrue(closed_by_server(s, 15))
        finally:
            for s in sockets:
                s.close()
        self.assertEqual(ask_once(self.sandbox.socket, b"0\n"), b"OK\n")

    def test_warnings_are_rate_limited(self):
        for i in range(20):
            self.assertEqual(ask_once(self.sandbox.socket, b"bogus-%d\n" % i), b"INVALID_ARG\n")
        lines = [l for l in self.sandbox.log().splitlines() if "bogus-" in l]
        self.assertLessEqual(len(lines), 5)


def main():
    global BALLOOND, BALLOONCTL
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    BALLOOND, BALLOONCTL = sys.argv[1], sys.argv[2]
    unittest.main(argv=[sys.argv[0], "-v"])


if __name__ == "__main__":
    main()
