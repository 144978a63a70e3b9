#!/usr/bin/env bash
# Runs the whole test suite: the Swift tests, then the browser suite against the built default site.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install.sh
swift build -c release --product roster
swift test
