#!/usr/bin/env bash
# Installs what is needed, builds roster (release) and builds the default site into Site/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install.sh
swift build -c release --product roster
.build/release/roster build "$@"
