#!/usr/bin/env bash
# Runs the whole test suite: the Swift tests, the browser suite against the built default site, the security
# suite (interrupted builds, nginx deployment, dev server under attack) and a fixed-length fuzzing run.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install.sh
swift build -c release --product roster
swift test
# The browser suite (Tests/browser): builds the default site with the release binary just built, serves it on
# loopback and drives headless Chromium through it (axe-core, keyboard, facets, Nu HTML Checker). pytest's exit
# code is the script's; -rsx lists the reason of any skip or expected failure beside the summary line.
ROSTER_BIN=.build/release/roster python3 -m pytest Tests/browser -q -rsx -p no:cacheprovider
# The security suite (Tests/security, see SECURITY.md): kills builds mid-way, serves the site with
# deploy/nginx.conf to headless Chromium, attacks `roster serve` on loopback. Same skip/fail rules as above.
ROSTER_BIN=.build/release/roster python3 -m pytest Tests/security -q -rsxX -p no:cacheprovider
# Fuzzing: each libFuzzer target for a fixed number of inputs from the committed corpus (scripts/fuzz.sh).
scripts/fuzz.sh
