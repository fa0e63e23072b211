#!/usr/bin/env python3
"""Count individual test cases over one or more meson build dirs and print one closing line:
"N passed, N failed, N skipped". gtest programs count their cases (from the XML meson asks them
to write); any other test counts as one case. A program that failed without a failing case in its
XML (a crash, a timeout) counts as one failure more. Every failed case is named with the first
lines of its failure message, so the tail of a long log (CI shows only that) says why. Exit 1
when anything failed or was skipped: a skipped suite is not green."""
import json
import os
import sys
import xml.etree.ElementTree as ET

MESSAGE_LINES = 12


def report(builddir, test, case, problem):
    text = (problem.get("message") or problem.text or "").strip().splitlines()
    print(f"test-summary: FAILED {test}: {case.get('classname')}.{case.get('name')} ({builddir})")
    for line in text[:MESSAGE_LINES]:
        print(f"    {line}")
    if len(text) > MESSAGE_LINES:
        print(f"    ... {len(text) - MESSAGE_LINES} more line(s) in the test's XML")


def count(builddir):
    passed = failed = skipped = 0
    log = os.path.join(builddir, "meson-logs", "testlog.json")
    if not os.path.exists(log):
        return 0, 1, 0
    with open(log, encoding="utf-8") as f:
        entries = [json.loads(line) for line in f if line.strip()]
    for entry in entries:
        result = entry["result"]
        # testlog.json names tests "project:suite / name"; the XML is named after the test.
        name = entry["name"].split(" / ")[-1]
        xml = os.path.join(builddir, name + ".xml")
        cases_failed = 0
        if os.path.exists(xml):
            for case in ET.parse(xml).getroot().iter("testcase"):
                problem = case.find("failure")
                if problem is None:
                    problem = case.find("error")
                if problem is not None:
                    cases_failed += 1
                    report(builddir, entry["name"], case, problem)
                elif case.find("skipped") is not None or case.get("result") == "skipped":
                    skipped += 1
                else:
                    passed += 1
            failed += cases_failed
            if result not in ("OK", "SKIP") and cases_failed == 0:
                failed += 1
                print(f"test-summary: {entry['name']}: {result} outside any test case")
        elif result == "OK":
            passed += 1
        elif result == "SKIP":
            skipped += 1
        else:
            failed += 1
    return passed, failed, skipped


def main():
    totals = [0, 0, 0]
    for builddir in sys.argv[1:]:
        for i, n in enumerate(count(builddir)):
            totals[i] += n
    passed, failed, skipped = totals
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed or skipped or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
