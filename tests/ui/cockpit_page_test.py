#!/usr/bin/env python3
"""balloond's Cockpit page in a real browser: headless Chromium (through chromedriver) opens the
page from a real cockpit-ws, whose cockpit-bridge talks to `balloond --sandbox` on the sandbox's
private bus, set as the bridge's system bus (DBUS_SYSTEM_BUS_ADDRESS). The page must show the
sandbox's domains and a target that moves, set a target that the sandbox's guest then follows,
show balloond's own words for refused sizes, and hand back, set a max, reserve and release,
switch the policy and dry-run, each checked against balloond through balloonctl where the page
could fool itself; the screenshot is saved in
BUILDDIR/tests/ui/cockpit-page.png (the README's docs/cockpit.png is one).

A program that is missing fails the test, naming the package: a skipped browser test would pass
as green without anything having been tried.

Usage: cockpit_page_test.py SRCDIR BUILDDIR
"""

import os
import sys

DEBIAN_PYTHON = "/usr/bin/python3"

try:
    from selenium import webdriver
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
except ImportError:
    # python3-selenium is Debian's: under another python3 (pyenv, a venv) run Debian's instead.
    if os.path.realpath(sys.executable) != os.path.realpath(DEBIAN_PYTHON) and \
            os.path.exists(DEBIAN_PYTHON):
        os.execv(DEBIAN_PYTHON, [DEBIAN_PYTHON, *sys.argv])
    sys.exit("FAIL: the selenium module is missing (install python3-selenium: "
             "scripts/install-deps ui)")

import grp
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import tomllib

# After the re-exec above: sandbox_session imports selenium too.
from sandbox_session import Sandbox, find_program, wait_until  # noqa: E402

SRC, BUILD = (os.path.realpath(p) for p in sys.argv[1:3])
OUT = os.path.join(BUILD, "tests", "ui")
SCREENSHOT = os.path.join(OUT, "cockpit-page.png")
KIB_PER_MIB = 1024
# Set on "desktop" (1 GiB, idle at 250M, maxmem 1536M in sim/scenarios/default.toml).
NEW_TARGET = "700M"
NEW_TARGET_KIB = 700 * KIB_PER_MIB
REFUSED = "4G"  # above desktop's static-max
# The sandbox's default scenario with web's bursts every 12 s instead of every 2 minutes, so that
# a target moves while the test watches.
DEFAULT_BURST = 'period = "2m", length = "30s"'
TEST_BURST = 'period = "12s", length = "4s"'


def test_scenario(workdir):
    """default.toml with faster bursts; returns its path and its domains' names."""
    with open(os.path.join(SRC, "sim", "scenarios", "default.toml"), encoding="utf-8") as f:
        text = f.read()
    if text.count(DEFAULT_BURST) != 1:
        raise AssertionError(f"sim/scenarios/default.toml no longer has one burst of "
                             f"{DEFAULT_BURST!r}: update this test's TEST_BURST")
    path = os.path.join(workdir, "scenario.toml")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text.replace(DEFAULT_BURST, TEST_BURST))
    return path, [d["name"] for d in tomllib.loads(text)["domain"]]


def cockpit_ws():
    for path in ("/usr/lib/cockpit/cockpit-ws", "/usr/libexec/cockpit-ws"):
        if os.access(path, os.X_OK):
            return path
    sys.exit("FAIL: cockpit-ws is missing (install cockpit-ws: scripts/install-deps ui)")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Browser:
    """Headless Chromium through chromedriver, with its console kept for failure reports."""

    def __init__(self, workdir):
        chromium = find_program("chromium", "chromium")
        driver = find_program("chromedriver", "chromium-driver")
        options = webdriver.ChromeOptions()
        options.binary_location = chromium
        # /tmp, not /dev/shm, for shared memory: containers give /dev/shm 64 MB.
        for arg in ("--headless=new", "--disable-gpu", "--window-size=1400,1000",
                    "--user-data-dir=" + os.path.join(workdir, "chromium"), "--no-first-run",
                    "--disable-dev-shm-usage"):
            options.add_argument(arg)
        if os.getuid() == 0:
            options.add_argument("--no-sandbox")  # Chromium refuses root otherwise
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        service = Service(driver, log_path=os.path.join(workdir, "chromedriver.log"))
        self.driver = webdriver.Chrome(service=service, options=options)

    def wait(self, condition, timeout, what):
        return wait_until(condition, timeout, what, self.driver)

    def result(self):
        return self.text("#action-result .pf-c-alert__title")

    def error(self):
        return self.text("#action-error .pf-c-alert__title")

    def js(self, script, *args):
        return self.driver.execute_script(script, *args)

    def text(self, css):
        found = self.driver.find_elements(By.CSS_SELECTOR, css)
        return found[0].text if found and found[0].is_displayed() else ""

    def console(self):
        try:
            return [f"{e['level']} {e['message']}" for e in self.driver.get_log("browser")]
        except WebDriverException:
            return []

    def full_page_screenshot(self, path):
        height = self.js("return document.documentElement.scrollHeight")
        self.driver.set_window_size(1400, max(1000, int(height) + 200))  # + the window's frame
        self.js("window.scrollTo(0, 0)")
        self.driver.save_screenshot(path)

    def quit(self):
        self.driver.quit()


STARTED = time.monotonic()


def say(text):
    print(f"[{time.monotonic() - STARTED:4.1f} s] {text}", flush=True)


def domain_figures(browser):
    """Every row of the domains table: name -> {field: text, target_kib, actual_kib, ...}."""
    return browser.js("""
        const rows = {};
        for (const row of document.querySelectorAll('#domains tbody tr[data-domain]')) {
            const get = f => row.querySelector(`td[data-field="${f}"]`);
            rows[row.dataset.domain] = {
                target_kib: Number(get('target').dataset.kib),
                actual_kib: Number(get('actual').dataset.kib),
                state: get('state').textContent, mode: get('mode').textContent,
                reason: get('reason').textContent,
            };
        }
        return rows;""")


def set_size(browser, domain, size, action="set-target"):
    row = f'#domains tr[data-domain="{domain}"]'
    field = browser.driver.find_element(By.CSS_SELECTOR, f"{row} input")
    field.clear()
    field.send_keys(size)
    browser.driver.find_element(By.CSS_SELECTOR, f'{row} button[data-action="{action}"]').click()


def reserve(browser, sandbox):
    """Reserve 256M from the page, see it listed and counted, release it from the page."""
    field = browser.driver.find_element(By.ID, "reserve-size")
    field.send_keys("256M")
    browser.driver.find_element(By.CSS_SELECTOR, "#reserve-form button").click()
    browser.wait(lambda: "Reserved 256M as" in browser.result(), 20,
                 f"the page confirms the reservation (error: {browser.error()!r})")
    browser.wait(lambda: browser.text('#host [data-field="reserved"]') == "256 MiB", 10,
                 "the host card counts the reservation")
    held = sandbox.balloonctl("reservations", "--json")["reservations"]
    if [r["size_kib"] for r in held] != [256 * KIB_PER_MIB]:
        raise AssertionError(f"balloond holds {held}, want one reservation of 256M")
    browser.wait(lambda: held[0]["id"] in browser.text("#reservations tbody"), 10,
                 "the reservation listed on the page")
    browser.driver.find_element(By.CSS_SELECTOR, "#reservations tbody button").click()
    browser.wait(lambda: browser.text('#host [data-field="reserved"]') == "0 MiB", 10,
                 f"the reservation released from the page (error: {browser.error()!r})")


def run_checks(browser, sandbox, url, names):
    browser.driver.get(url)
    browser.wait(lambda: "Connected" in browser.text("#connection"), 20,
                 f"the page connects to balloond (it says: {browser.text('#connection')!r})")
    browser.wait(lambda: set(names) <= set(domain_figures(browser)), 20,
                 f"the page lists the sandbox's domains {names}")
    total = browser.text('#host [data-field="total"]')
    if total != "8.00 GiB":
        raise AssertionError(f"host total shown as {total!r}, want the scenario's 8.00 GiB")
    say(f"ok: the page lists {sorted(names)} on an {total} host")

    # Live: a target moves on the page with nothing reloaded (the demand policy at work).
    before = {n: f["target_kib"] for n, f in domain_figures(browser).items()}
    moved = browser.wait(
        lambda: [n for n, f in domain_figures(browser).items()
                 if n in before and f["target_kib"] != before[n]], 30,
        "a domain's target moves on the page")
    say(f"ok: live target change on {moved}")
    # The chart of a moved domain draws the target line.
    points = browser.js(
        "const l = document.querySelector("
        f"'#charts [data-domain=\"{moved[0]}\"] polyline[data-series=\"target\"]');"
        "return l ? l.getAttribute('points').split(' ').length : 0;")
    if points < 3:
        raise AssertionError(f"the chart of {moved[0]} has {points} target points, want a step")

    # Set a target: the page says so, balloond holds it, and the sandbox's guest follows.
    set_size(browser, "desktop", NEW_TARGET)
    browser.wait(lambda: "desktop: target 700 MiB" in browser.result() or browser.error(), 15,
                 "the page answers the new target")
    if browser.error():
        raise AssertionError(f"setting desktop's target failed: {browser.error()}")
    held = sandbox.domain("desktop")["target_kib"]
    if held != NEW_TARGET_KIB:
        raise AssertionError(f"balloond holds desktop's target at {held} KiB, "
                             f"want {NEW_TARGET_KIB}")
    browser.wait(lambda: domain_figures(browser)["desktop"]["mode"] == "pinned", 10,
                 "desktop shown pinned")
    browser.wait(lambda: abs(domain_figures(browser)["desktop"]["actual_kib"] - NEW_TARGET_KIB)
                 <= KIB_PER_MIB, 30, "desktop's actual allocation follows to 700 MiB on the page")
    say("ok: set desktop to 700M; the page shows the guest following")

    # A refused size: balloond's error, in its words, and nothing changed.
    set_size(browser, "desktop", REFUSED)
    browser.wait(lambda: "AboveStaticMax" in browser.error(), 15,
                 "the page shows balloond's AboveStaticMax for a target above static-max")
    refusal = browser.error()
    if "static-max" not in refusal:
        raise AssertionError(f"the refusal does not say why: {refusal!r}")
    if sandbox.domain("desktop")["target_kib"] != NEW_TARGET_KIB:
        raise AssertionError("a refused target changed desktop's target")
    say(f"ok: refused {REFUSED}: {refusal}")
    set_size(browser, "desktop", "12 parsecs")
    browser.wait(lambda: "InvalidArgument" in browser.error(), 15,
                 "the page shows balloond's InvalidArgument for a size that is not one")
    say(f"ok: refused '12 parsecs': {browser.error()}")

    # Handed back to the policy: balloond says auto, and so does the page.
    browser.driver.find_element(
        By.CSS_SELECTOR, '#domains tr[data-domain="desktop"] button[data-action="pin"]').click()
    browser.wait(lambda: domain_figures(browser)["desktop"]["mode"] == "auto", 10,
                 f"desktop shown back with the policy (error: {browser.error()!r})")
    if sandbox.domain("desktop")["mode"] != "auto":
        raise AssertionError("the page shows desktop handed back, balloond does not")
    say("ok: desktop handed back to the policy")

    # A new max, the host's reservations and the policy, each checked against balloond.
    set_size(browser, "desktop", "1G", action="set-max")
    browser.wait(lambda: "desktop: max 1.00 GiB" in browser.result(), 15,
                 f"the page confirms desktop's new max (error: {browser.error()!r})")
    browser.wait(lambda: browser.js('return document.querySelector(\'#domains '
                                    'tr[data-domain="desktop"] td[data-field="max"]\')'
                                    '.dataset.kib') == str(1024 * KIB_PER_MIB), 10,
                 "desktop's max shown as 1 GiB")
    reserve(browser, sandbox)
    browser.driver.find_element(By.CSS_SELECTOR,
                                "#policy-choice option[value='proportional']").click()
    browser.driver.find_element(By.CSS_SELECTOR, "#policy-form button").click()
    browser.wait(lambda: browser.text('#host [data-field="policy"]') == "proportional", 10,
                 f"the host card shows policy proportional (error: {browser.error()!r})")
    if sandbox.balloonctl("policy", "--json")["policy"] != "proportional":
        raise AssertionError("the page shows policy proportional, balloond does not")
    say("ok: set max, reserved and released, switched the policy")

    # The dry run: one plan entry per domain the page lists.
    browser.driver.find_element(By.ID, "plan-button").click()
    browser.wait(lambda: "Dry run: a round now would change" in browser.result(), 15,
                 f"the dry run answers (error: {browser.error()!r})")
    planned = len(browser.driver.find_elements(By.CSS_SELECTOR, "#plan tbody tr"))
    listed = len(domain_figures(browser))
    if planned != listed:
        raise AssertionError(f"the dry run shows {planned} entries for {listed} domains")
    say(f"ok: {browser.result()}")

    os.makedirs(OUT, exist_ok=True)
    browser.full_page_screenshot(SCREENSHOT)
    print(f"screenshot: {SCREENSHOT}")


def main():
    bridge = find_program("cockpit-bridge", "cockpit-bridge")
    ws_program = cockpit_ws()
    workdir = tempfile.mkdtemp(prefix="balloond-cockpit-")
    sandbox = ws = browser = None
    failed = True
    try:
        scenario, names = test_scenario(workdir)
        # The page from the source tree, where Cockpit finds a user's pages (~/.local/share).
        pages = os.path.join(workdir, "data", "cockpit")
        os.makedirs(pages)
        os.symlink(os.path.join(SRC, "cockpit"), os.path.join(pages, "balloond"))
        admin_group = grp.getgrgid(os.getgid()).gr_name  # this user may change things
        sandbox = Sandbox(os.path.join(BUILD, "daemon", "balloond"),
                          os.path.join(BUILD, "cli", "balloonctl"), workdir, admin_group,
                          scenario)
        port = free_port()
        env = dict(os.environ, XDG_DATA_HOME=os.path.join(workdir, "data"),
                   DBUS_SYSTEM_BUS_ADDRESS=sandbox.bus)
        ws_log = open(os.path.join(workdir, "cockpit-ws.log"), "w", encoding="utf-8")
        ws = subprocess.Popen([ws_program, "--no-tls", "--local-session=" + bridge,
                               "--address=127.0.0.1", f"--port={port}"],
                              env=env, stdout=ws_log, stderr=subprocess.STDOUT)
        browser = Browser(workdir)
        page = f"http://127.0.0.1:{port}/cockpit/@localhost/balloond/index.html"
        run_checks(browser, sandbox, page, names)
        failed = False
    finally:
        if failed:
            report(browser, sandbox, workdir)
        if browser:
            browser.quit()
        if ws:
            ws.send_signal(signal.SIGTERM)
            ws.wait(timeout=10)
        try:
            if sandbox:
                sandbox.stop()
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
    say("passed")


def report(browser, sandbox, workdir):
    """What each part said, for a failure."""
    if browser:
        os.makedirs(OUT, exist_ok=True)
        try:
            browser.full_page_screenshot(os.path.join(OUT, "cockpit-page-failed.png"))
            print(f"page at failure: {os.path.join(OUT, 'cockpit-page-failed.png')}")
        except WebDriverException as e:
            print(f"no screenshot of the page at failure: {e.msg}")
        print("browser console:\n  " + "\n  ".join(browser.console()))
    for name in ("cockpit-ws.log",):
        path = os.path.join(workdir, name)
        if os.path.exists(path):
            with open(path, encoding="utf-8", errors="replace") as f:
                print(f"--- {name} (last lines)\n" + "".join(f.readlines()[-30:]))
    if sandbox:
        print("--- balloond (last lines)\n" + sandbox.log_tail())


if __name__ == "__main__":
    try:
        main()
    except AssertionError as e:
        sys.exit(f"FAIL: {e}")
