#!/usr/bin/env bash
# Runs the whole test suite: the Swift tests, then the browser suite against the built default site.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install.sh
swift build -c release --product roster
swift test
# The browser suite (Tests/browser): builds the default site with the release binary just built, serves it on
# loopback and drives headless Chromium through it (axe-core, keyboard, facets, Nu HTML Checker). pytest's exit
# code is the script's; -rsx lists the reason of any skip or expected failure beside the summary line.
ROSTER_BIN=.build/release/roster python3 -m pytest Tests/browser -q -rsx -p no:cacheprovider
