#!/usr/bin/env python3
"""Every program the build makes answers --help with its usage and exit status 0, and an unknown
option with a usage error: exit status 1 (balloond(8), EXIT STATUS) and a message naming the
option on stderr. The programs come from meson's own list of targets (meson-info), so a new one is
checked without anyone adding it here; only test programs (defined under tests/: gtest binaries,
fuzzers, test helpers) are left out.

Usage: check_help.py SRCDIR BUILDDIR"""
import json
import os
import subprocess
import sys

USAGE_ERROR = 1
UNKNOWN = "--no-such-option"

src, build = (os.path.realpath(p) for p in sys.argv[1:3])
with open(os.path.join(build, "meson-info", "intro-targets.json"), encoding="utf-8") as f:
    targets = json.load(f)
tests_dir = os.path.join(src, "tests") + os.sep
programs = sorted(
    t["filename"][0]
    for t in targets
    if t["type"] == "executable" and not os.path.realpath(t["defined_in"]).startswith(tests_dir)
)

failures = []


def run(program, argument):
    return subprocess.run([program, argument], capture_output=True, text=True, timeout=60,
                          stdin=subprocess.DEVNULL, check=False)


for program in programs:
    name = os.path.relpath(program, build)
    if not os.path.exists(program):
        failures.append(f"{name}: not built (meson compile -C {build})")
        continue
    shown = run(program, "--help")
    if shown.returncode != 0 or not shown.stdout.strip():
        failures.append(f"{name} --help: exit status {shown.returncode}, "
                        f"{len(shown.stdout)} bytes of usage; stderr: {shown.stderr.strip()}")
    refused = run(program, UNKNOWN)
    if refused.returncode != USAGE_ERROR or UNKNOWN not in refused.stderr:
        failures.append(f"{name} {UNKNOWN}: exit status {refused.returncode} (want "
                        f"{USAGE_ERROR}); stderr: {refused.stderr.strip()}")
    print(f"{name}: --help {shown.returncode}, {UNKNOWN} {refused.returncode}")

if not programs:
    failures.append("meson lists no programs: wrong build directory?")
for failure in failures:
    print("FAIL " + failure)
sys.exit(1 if failures else 0)
