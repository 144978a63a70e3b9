#!/usr/bin/env bash
# Roster against Hugo on synthetic corpora, in one command from a clean clone (see Benchmarks/README.md).
#
#   Benchmarks/run.sh                          # 2,000 and 20,000 cases, 5 runs each (about 10 minutes)
#   Benchmarks/run.sh --cases 20000 --runs 3
#   Benchmarks/run.sh --cases 2000,20000,200000  # growth up to 200,000 cases (long: about an hour)
#
# Builds roster in release mode, installs hugo, cmark-gfm and GNU time with apt-get when missing, generates the
# corpora under .bench/ (git-ignored) and prints the results table, also written to .bench/results.md.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v hugo >/dev/null || missing+=(hugo)
command -v cmark-gfm >/dev/null || missing+=(cmark-gfm)
[ -x /usr/bin/time ] || missing+=(time)
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing ${missing[*]} with apt-get" >&2
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# roster itself needs the cmark-gfm development files (scripts/install.sh installs everything the project needs).
if ! pkg-config --exists libcmark-gfm 2>/dev/null || ! dpkg-query -W libjemalloc-dev >/dev/null 2>&1; then scripts/install.sh; fi

swift build -c release --product roster >&2
bin="$(swift build -c release --show-bin-path)/roster"
exec python3 Benchmarks/bench.py --roster "$bin" --work .bench "$@"
