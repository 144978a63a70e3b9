#!/usr/bin/env bash
# Fuzzes the front-matter splitter, the content decoder and the Markdown-to-page path with libFuzzer.
#
# Builds the targets in Fuzz/ (declared only with ROSTER_FUZZ=1) with AddressSanitizer and coverage into
# .build-fuzz/, then runs each one for a fixed number of inputs, starting from the committed corpus in
# Tests/RosterTests/Fixtures/fuzz-corpus/<target>/ (which `swift test` replays). A crash, a leak, an input slower
# than 10 s or a broken invariant fails the run and leaves the input in .fuzz/ as crash-*, leak-* or timeout-*.
#
#   scripts/fuzz.sh                 a fixed number of inputs per target (CI): 50,000 front matters,
#                                   5,000 content files (each decoded, checked and rendered), 20,000 Markdown bodies
#   scripts/fuzz.sh 100000          that many inputs per target
#   scripts/fuzz.sh --merge 600     run each target for 600 s, then merge what it found into the committed corpus
set -euo pipefail
cd "$(dirname "$0")/.."

declare -A runs=([FuzzFrontMatter]=50000 [FuzzContentDecoder]=5000 [FuzzMarkdownPage]=20000)
merge_seconds=""
if [ "${1:-}" = "--merge" ]; then
  merge_seconds="${2:-600}"
elif [ -n "${1:-}" ]; then
  for target in "${!runs[@]}"; do runs[$target]="$1"; done
fi

# -sanitize=fuzzer would link libFuzzer's own main over SwiftPM's entry point; instrument with coverage instead and
# link the no-main libFuzzer, whose driver Fuzz/*/main.swift calls.
clang_dir=$(dirname "$(readlink -f "$(command -v swiftc)")")/../lib/clang
libfuzzer=$(ls "$clang_dir"/*/lib/linux/libclang_rt.fuzzer_no_main-x86_64.a | head -1)
flags=(-c release --scratch-path .build-fuzz
       -Xswiftc -sanitize=address -Xswiftc -sanitize-coverage=edge,trace-cmp,inline-8bit-counters,pc-table
       -Xlinker "$libfuzzer" -Xlinker -lstdc++)

declare -A corpus=([FuzzFrontMatter]=front-matter [FuzzContentDecoder]=content-decoder [FuzzMarkdownPage]=markdown-page)
declare -A max_len=([FuzzFrontMatter]=4096 [FuzzContentDecoder]=8192 [FuzzMarkdownPage]=8192)

export ROSTER_ROOT="$PWD"
export LSAN_OPTIONS="suppressions=$PWD/scripts/sanitizers/lsan.supp:print_suppressions=0"
export ASAN_OPTIONS="detect_leaks=1"
export SWIFT_BACKTRACE="enable=no"
status=0
for target in FuzzFrontMatter FuzzContentDecoder FuzzMarkdownPage; do
  echo "==> building $target"
  ROSTER_FUZZ=1 swift build "${flags[@]}" --product "$target" 2>&1 | grep -Ev '^\[[0-9]+/[0-9]+\]' || true
  seeds="Tests/RosterTests/Fixtures/fuzz-corpus/${corpus[$target]}"
  work=".fuzz/$target"
  mkdir -p "$work"
  options=(-max_len="${max_len[$target]}" -timeout=10 -rss_limit_mb=2048 -artifact_prefix=".fuzz/$target-"
           -print_final_stats=1 -seed=1)
  if [ -n "$merge_seconds" ]; then
    echo "==> $target for ${merge_seconds} s"
    ".build-fuzz/release/$target" "${options[@]}" -max_total_time="$merge_seconds" "$work" "$seeds" || status=1
    echo "==> merging new coverage into $seeds"
    ".build-fuzz/release/$target" -merge=1 "${options[@]}" "$seeds" "$work" || status=1
  else
    echo "==> $target: ${runs[$target]} inputs"
    ".build-fuzz/release/$target" "${options[@]}" -runs="${runs[$target]}" "$work" "$seeds" 2>&1 | grep -E '^(#[0-9]+ +DONE|stat::|==|.*(ERROR|Fatal|invariant|Test unit written))' || true
    if ls ".fuzz/$target-"* >/dev/null 2>&1; then
      echo "FAILED: $target found $(ls ".fuzz/$target-"* | tr '\n' ' ')" >&2
      status=1
    fi
  fi
done
exit $status
