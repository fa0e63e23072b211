#!/bin/sh
# mandoc -T lint on every man page: any warning or error fails (mandoc's style notes, such as a
# referenced page not installed on this machine, do not). mandoc exits 0 on some warnings, so the
# output is what counts.
# Usage: lint_man_pages.sh PAGE...
set -eu
[ $# -gt 0 ] || { echo "usage: lint_man_pages.sh PAGE..." >&2; exit 2; }
status=0
for page in "$@"; do
    if ! out=$(mandoc -T lint -W warning "$page" 2>&1) || [ -n "$out" ]; then
        echo "$page: mandoc -T lint -W warning reports:"
        echo "$out"
        status=1
    else
        echo "$page: clean"
    fi
done
exit $status
