#!/usr/bin/env bash
# Where a `roster build` spends its time, on the synthetic corpus (see Benchmarks/README.md, "Profile").
#
#   Benchmarks/profile.sh                 # perf on 20,000 cases, callgrind on 2,000 cases, fsync experiment
#   Benchmarks/profile.sh --cases 2000 --no-callgrind
#
# Writes to .bench/profile/: perf-categories.md (inclusive CPU by concern), perf-self.txt (hottest functions),
# callgrind-inclusive.txt (instruction counts by function, inclusive), steps-*.txt (`--verbose` step times).
# Run Benchmarks/run.sh once first (it builds roster in release mode and installs the tools).
set -euo pipefail
cd "$(dirname "$0")/.."

cases=20000
cg_cases=2000
callgrind=1
while [ $# -gt 0 ]; do
    case "$1" in
        --cases) cases="$2"; shift 2 ;;
        --callgrind-cases) cg_cases="$2"; shift 2 ;;
        --no-callgrind) callgrind=0; shift ;;
        *) echo "usage: $0 [--cases N] [--callgrind-cases N] [--no-callgrind]" >&2; exit 2 ;;
    esac
done

missing=()
command -v perf >/dev/null || missing+=(linux-perf)
command -v valgrind >/dev/null || missing+=(valgrind)
command -v eatmydata >/dev/null || missing+=(eatmydata)
if [ ${#missing[@]} -gt 0 ]; then
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

swift build -c release --product roster >&2
bin="$(swift build -c release --show-bin-path)/roster"
dir=.bench/profile
mkdir -p "$dir"

corpus() {  # generate the corpus for $1 cases unless it is there
    [ -d ".bench/site-$1/Content" ] || python3 Benchmarks/generate-corpus.py --cases "$1" --out ".bench/site-$1" >&2
}
build() {  # build the $1-case corpus with the given wrapper command in front; step times to $dir/steps-$2.txt
    local n="$1" tag="$2"; shift 2
    rm -rf ".bench/out-$n"; sync
    "$@" "$bin" build --root ".bench/site-$n" --output ".bench/out-$n" --now 2024-02-10 --verbose 2> "$dir/steps-$tag.txt" >/dev/null
}

corpus "$cases"
build "$cases" warm env
echo "== perf, $cases cases" >&2
# cpu-clock: this VM has no hardware counters; Swift keeps frame pointers, so -g gives whole stacks.
build "$cases" perf-$cases perf record -q -F 499 -g -e cpu-clock -o "$dir/perf.data"
perf script -i "$dir/perf.data" 2>/dev/null | python3 Benchmarks/perf-categories.py > "$dir/perf-categories.md"
perf report -i "$dir/perf.data" --no-children --sort dso,symbol --stdio 2>/dev/null | grep -v '^#' | grep -v '^$' \
    | awk 'NR <= 40' | swift demangle --simplified > "$dir/perf-self.txt"
cat "$dir/perf-categories.md"

echo "== fsync: the same build with fsync made a no-op (eatmydata), 3 runs each" >&2
rm -f "$dir/fsync-on.txt" "$dir/fsync-off.txt"
for i in 1 2 3; do
    build "$cases" fsync-on-$i /usr/bin/time -f "%e s wall, %U+%S s CPU" -a -o "$dir/fsync-on.txt"
    build "$cases" fsync-off-$i /usr/bin/time -f "%e s wall, %U+%S s CPU" -a -o "$dir/fsync-off.txt" eatmydata
done
echo "with fsync:    $(tr '\n' ';' < "$dir/fsync-on.txt")"
echo "without fsync: $(tr '\n' ';' < "$dir/fsync-off.txt")"

if [ "$callgrind" = 1 ]; then
    echo "== callgrind, $cg_cases cases (a few minutes)" >&2
    corpus "$cg_cases"
    # Valgrind 3.19 cannot read the DWARF 5 that Swift 6 emits; the symbol table is enough for function names.
    objcopy --strip-debug "$bin" "$dir/roster-nodebug"
    rm -rf ".bench/out-$cg_cases"
    valgrind --tool=callgrind --callgrind-out-file="$dir/callgrind.out" "$dir/roster-nodebug" build \
        --root ".bench/site-$cg_cases" --output ".bench/out-$cg_cases" --now 2024-02-10 > /dev/null 2> "$dir/callgrind.log"
    callgrind_annotate --inclusive=yes "$dir/callgrind.out" 2>/dev/null | awk 'NR <= 80' | swift demangle --simplified \
        > "$dir/callgrind-inclusive.txt"
    sed -n 1,50p "$dir/callgrind-inclusive.txt"
fi
echo "results in $dir/" >&2
