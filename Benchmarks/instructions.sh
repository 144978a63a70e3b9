#!/usr/bin/env bash
# Instructions executed by a full `roster build` of the 2,000-case corpus, counted by callgrind: the same count on
# every run, where wall and CPU time move by ±15% on this shared machine. For comparing two builds of roster.
#
#   Benchmarks/instructions.sh                        # the release build of this checkout
#   Benchmarks/instructions.sh old/roster new/roster  # several binaries, one line each
#
# The corpus is .bench/site-2000 (Benchmarks/run.sh or generate-corpus.py makes it). Each run takes about 40 s.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v valgrind >/dev/null || {
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq valgrind >/dev/null
}
[ -d .bench/site-2000/Content ] || python3 Benchmarks/generate-corpus.py --cases 2000 --out .bench/site-2000 >&2
if [ $# -eq 0 ]; then
    swift build -c release --product roster >&2
    set -- "$(swift build -c release --show-bin-path)/roster"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for bin in "$@"; do
    # Valgrind 3.19 cannot read the DWARF 5 that Swift 6 emits; the symbol table is enough.
    objcopy --strip-debug "$bin" "$work/roster"
    rm -rf "$work/out" "$work"/.out.*
    valgrind --tool=callgrind --callgrind-out-file="$work/callgrind.out" "$work/roster" build \
        --root .bench/site-2000 --output "$work/out" --now 2026-11-27 > /dev/null 2> "$work/log"
    total="$(grep -o 'Collected : [0-9]*' "$work/log" | grep -o '[0-9]*$')"
    printf '%s\t%s instructions\n' "$bin" "$(printf "%'d" "$total")"
done
