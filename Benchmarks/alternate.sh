#!/usr/bin/env bash
# Alternating full builds of two (or more) roster binaries on one corpus, for comparing them when the machine's speed
# drifts from minute to minute (it moved ±15% between identical runs here): each round builds with each binary in
# turn, so drift hits both alike. Prints wall, user and system time and peak memory per build.
#
#   Benchmarks/alternate.sh SITE ROUNDS old/roster .build/release/roster
#
# SITE is a site root (a corpus from generate-corpus.py). Outputs go to a temporary folder under $TMPDIR: put it on
# tmpfs (TMPDIR=/dev/shm/x) to leave the disk out, since deleting 45,000 files on ext4 slows the next builds for
# minutes (see README.md, "How it measures").
set -euo pipefail
[ $# -ge 3 ] || { sed -n '2,10p' "$0"; exit 2; }
site=$1; rounds=$2; shift 2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for round in $(seq 1 "$rounds"); do
    for bin in "$@"; do
        rm -rf "$work/out" "$work/.out"*
        sleep 1
        /usr/bin/time -f "round $round  %e s wall  %U s user  %S s system  %M KB  $bin" \
            "$bin" build --root "$site" --output "$work/out" --now 2024-02-10 2>&1 >/dev/null | grep " KB "
    done
done
