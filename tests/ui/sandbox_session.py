"""`balloond --sandbox` for the browser test: the real daemon on the simulated host with its
private real xenstored and its private real dbus-daemon (deny by default, balloond's own bus
policy file included), which the test hands to cockpit-bridge as its system bus. balloonctl, the
reference client, checks what balloond holds independently of the page."""

import json
import os
import shutil
import signal
import subprocess
import sys

from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.support.ui import WebDriverWait

ADDRESS_MARKER = "export BALLOONCTL_BUS_ADDRESS='"


def find_program(name, package):
    """The program's path; a missing one fails the test with the package to install."""
    path = shutil.which(name)
    if not path:
        sys.exit(f"FAIL: {name} is missing (install {package}: scripts/install-deps ui)")
    return path


def wait_until(condition, timeout, what, driver=None):
    """`condition`'s first true value, checked every 0.1 s (selenium's wait, for the page and for
    the processes alike); an AssertionError naming `what` when it does not come in time."""
    try:
        # A row redrawn while it was read is read again at the next poll.
        return WebDriverWait(driver, timeout, poll_frequency=0.1,
                             ignored_exceptions=[StaleElementReferenceException]).until(
                                 lambda _: condition())
    except TimeoutException:
        raise AssertionError(f"not within {timeout} s: {what}") from None


class Sandbox:
    """balloond --sandbox on a scenario file; members of admin_group may change things."""

    def __init__(self, balloond, balloonctl, workdir, admin_group, scenario):
        for program in (balloond, balloonctl):
            if not os.access(program, os.X_OK):
                sys.exit(f"FAIL: {program} is not built (meson compile -C BUILDDIR)")
        self.balloonctl_path = balloonctl
        config = os.path.join(workdir, "balloond.toml")
        with open(config, "w", encoding="utf-8") as f:
            f.write(f'[dbus]\nadmin-group = "{admin_group}"\n')
        self.stdout = open(os.path.join(workdir, "balloond.out"), "w+", encoding="utf-8")
        self.stderr = open(os.path.join(workdir, "balloond.log"), "w+", encoding="utf-8")
        # --for: a test killed half-way leaves no sandbox running for long.
        self.process = subprocess.Popen(
            [balloond, "--sandbox", scenario, "--config", config, "--for", "5m"],
            stdout=self.stdout, stderr=self.stderr, stdin=subprocess.DEVNULL)
        try:
            self.bus = wait_until(self._bus_address, 30, "the sandbox prints its bus address")
            wait_until(self._answers, 20, "balloond answers on its bus")
        except AssertionError:
            self._end()  # not left running for the rest of its --for
            raise

    def _bus_address(self):
        if self.process.poll() is not None:
            raise AssertionError(f"balloond --sandbox exited ({self.process.returncode}): "
                                 + self.log_tail())
        with open(self.stdout.name, encoding="utf-8") as f:
            for line in f:
                if ADDRESS_MARKER in line:
                    return line.split(ADDRESS_MARKER, 1)[1].rstrip().rstrip("'")
        return None

    def _answers(self):
        return self.balloonctl("list", "--json", check=False) is not None

    def balloonctl(self, *args, check=True):
        env = dict(os.environ, BALLOONCTL_BUS_ADDRESS=self.bus)
        done = subprocess.run([self.balloonctl_path, *args], env=env, capture_output=True,
                              text=True, timeout=30, check=False)
        if done.returncode != 0:
            if check:
                raise AssertionError(f"balloonctl {' '.join(args)}: {done.stderr.strip()}")
            return None
        return json.loads(done.stdout)

    def domain(self, name):
        """What balloond holds for the domain (balloonctl show --json)."""
        return self.balloonctl("show", name, "--json")

    def log_tail(self, lines=30):
        with open(self.stderr.name, encoding="utf-8", errors="replace") as f:
            return "".join(f.readlines()[-lines:])

    def _end(self):
        """SIGTERM: balloond stops what it started (xenstored, the bus); SIGKILL if it hangs."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def stop(self):
        self._end()
        self.stdout.close()
        self.stderr.close()
        if self.process.returncode != 0:
            raise AssertionError(f"balloond --sandbox ended with status {self.process.returncode}:"
                                 f" {self.log_tail()}")
