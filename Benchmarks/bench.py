#!/usr/bin/env python3
"""Measures Roster against Hugo on synthetic corpora; run through `Benchmarks/run.sh`, which builds and installs first.

    python3 Benchmarks/bench.py --roster PATH [--cases 2000,20000] [--runs 5] [--work .bench] [--no-hugo]

For each corpus size it generates (or reuses) the corpus, does one untimed warm-up build of each tool (so every
timed run reads from the page cache: the benchmark measures the build, not the disk), then alternates timed full
builds of Roster and Hugo into emptied output folders, `--runs` times, under `/usr/bin/time -v`; before each timed
run it syncs the disk and waits for the shared cores to be idle (`--quiet`).  It then times
`roster check`, a rebuild with nothing changed, a rebuild after one case file changed (the incremental case), the
same edit under `roster serve` (from the save to the rebuilt site, as an editor waits for it), and two floors:
reading every content file and `cmark-gfm` rendering all bodies on one core.  It prints medians (min-max) and writes
the same tables as Markdown to `<work>/results.md`.
"""
import argparse
import hashlib
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
GENERATOR = os.path.join(HERE, "generate-corpus.py")
NOW = "2024-02-10"
CMARK_EXTENSIONS = ["-e", "table", "-e", "strikethrough", "-e", "autolink", "-e", "tagfilter"]


def cpu_ticks():
    """(busy, total) jiffies of all cores, from /proc/stat."""
    fields = [int(x) for x in open("/proc/stat").readline().split()[1:]]
    return sum(fields) - fields[3] - fields[4], sum(fields)


class Run:
    """One timed run: wall s, CPU s (user+sys), peak RSS MB, stderr, and how much of the cores others used meanwhile."""
    def __init__(self, wall, cpu, rss, err, others):
        self.wall, self.cpu, self.rss, self.err, self.others = wall, cpu, rss, err, others


def timed_once(cmd):
    busy0, total0 = cpu_ticks()
    proc = subprocess.run(["/usr/bin/time", "-v"] + cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    busy1, total1 = cpu_ticks()
    err = proc.stderr
    if proc.returncode != 0:
        sys.exit("failed (%d): %s\n%s" % (proc.returncode, " ".join(cmd), err[-3000:]))
    def field(name):
        return re.search(r"^\s*%s: (.*)$" % re.escape(name), err, re.M).group(1)
    wall = field("Elapsed (wall clock) time (h:mm:ss or m:ss)").split(":")
    seconds = sum(float(x) * 60 ** i for i, x in enumerate(reversed(wall)))
    cpu = float(field("User time (seconds)")) + float(field("System time (seconds)"))
    rss = int(field("Maximum resident set size (kbytes)")) / 1024
    hz = os.sysconf("SC_CLK_TCK")
    others = max(0.0, ((busy1 - busy0) / hz - cpu) / max((total1 - total0) / hz, 1e-9))
    return Run(seconds, cpu, rss, err, others)


def timed(cmd, args, before=None):
    """Times `cmd` on quiet cores; a run disturbed by other work (others used more than --disturbed of the cores
    meanwhile) is repeated up to --retries times, and the least disturbed attempt is kept."""
    best = None
    for _ in range(1 + args.retries):
        if before:
            before()
        wait_for_quiet(args.quiet, args.max_wait)
        run = timed_once(cmd)
        if best is None or run.others < best.others:
            best = run
        if run.others <= args.disturbed:
            break
    return best


def busy_fraction(seconds=1.0):
    """Share of all cores busy over `seconds` (from /proc/stat), whoever uses them."""
    def sample():
        fields = [int(x) for x in open("/proc/stat").readline().split()[1:]]
        idle = fields[3] + fields[4]
        return sum(fields), idle
    total0, idle0 = sample()
    time.sleep(seconds)
    total1, idle1 = sample()
    return 1 - (idle1 - idle0) / max(total1 - total0, 1)


def wait_for_quiet(limit, max_wait):
    """Flushes dirty pages (so a run does not pay for the previous one's writes), then waits (up to `max_wait` s) until other work leaves the cores idle; returns the busy share seen last.

    The machine is shared: a compile next door doubles a wall time.  Each timed run starts on quiet cores, and the
    busy share before it is reported, so a disturbed run can be told from a slow build."""
    os.sync()
    start = time.time()
    busy = busy_fraction()
    while busy > limit and time.time() - start < max_wait:
        busy = busy_fraction(2.0)
    return busy


def steps(stderr):
    """Roster's `--verbose` step times in ms, by step name."""
    return {m.group(1).strip(): float(m.group(2)) for m in re.finditer(r"^  (\S.*?)\s+([\d.]+) ms$", stderr, re.M)}


def med(values):
    return statistics.median(values) if values else float("nan")


def spread(values, fmt="%.2f"):
    if not values:
        return "—"
    if len(values) == 1:
        return fmt % values[0]
    return (fmt + " (" + fmt + "–" + fmt + ")") % (med(values), min(values), max(values))


def rmtree(path):
    if os.path.lexists(path):
        shutil.rmtree(path)


TRASH = []


def clean_output(out):
    """Moves a Roster or Hugo output folder away, with what Roster keeps beside it (the previous generation and the
    manifests), so the next build starts from nothing: a full build, every page made and written.

    Moved, not deleted: ext4 scans past inodes freed in the last minutes when it allocates new ones (the kernel's
    `recently_deleted`), which made creating each file cost up to half a millisecond, for either tool, right after
    deleting the last run's 45,000 files, and for up to six minutes after (sixty seconds after the inode table is
    written back). The moved folders are deleted by `empty_trash` once every size has been measured."""
    parent, name = os.path.split(out.rstrip("/"))
    trash = os.path.join(parent, ".trash")
    os.makedirs(trash, exist_ok=True)
    for path in (out, os.path.join(parent, "." + name + ".previous"), os.path.join(parent, "." + name + ".manifest"),
                 os.path.join(parent, "." + name + ".previous.manifest"), os.path.join(parent, "." + name + ".search-terms"),
                 os.path.join(parent, "." + name + ".bodies")):
        if os.path.lexists(path):
            target = os.path.join(trash, "%d-%s" % (len(TRASH), os.path.basename(path)))
            os.rename(path, target)
            TRASH.append(target)


def empty_trash():
    while TRASH:
        path = TRASH.pop()
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path)
        elif os.path.lexists(path):
            os.remove(path)


def corpus(work, cases):
    """Generates the corpus for `cases` unless an identical one (same generator, same size) is already there."""
    site = os.path.join(work, "site-%d" % cases)
    hugo_dir = os.path.join(work, "hugo-%d" % cases)
    bodies = os.path.join(work, "bodies-%d.md" % cases)
    digest = hashlib.sha256(open(GENERATOR, "rb").read()).hexdigest()[:16] + "-%d" % cases
    stamp = os.path.join(work, "stamp-%d" % cases)
    replaced = False
    if not (os.path.exists(stamp) and open(stamp).read() == digest and os.path.isdir(hugo_dir)):
        replaced = os.path.isdir(site) or os.path.isdir(hugo_dir)
        start = time.time()
        subprocess.run([sys.executable, GENERATOR, "--cases", str(cases), "--out", site, "--hugo", hugo_dir,
                        "--bodies", bodies], check=True)
        print("  generated in %.1f s" % (time.time() - start))
        with open(stamp, "w") as f:
            f.write(digest)
    return site, hugo_dir, bodies, replaced


def content_files(site):
    out = []
    for folder, _, names in os.walk(os.path.join(site, "Content")):
        out += [os.path.join(folder, n) for n in names]
    return out


def case_path(site):
    return os.path.join(site, "Content", "cases", "p00001-c01.md")


def change_one_case(site, n):
    """Appends a sentence to one case body (a new one each time, so every timed rebuild follows a real change)."""
    with open(case_path(site), "ab") as f:
        f.write(("\n补充说明：本案例于基准测试中修改过第 %d 次。\n" % (n + 1)).encode())


def serve_rebuilds(roster, site, work, args):
    """`roster serve` on the corpus, one case saved `--runs` times: per save, the seconds from the save to the line
    saying the site was rebuilt (what an editor waits for: noticing the change, the rebuild, publishing it), and
    the rebuild's own time as the server reports it.

    The server builds into a temporary folder of its own, made on the corpus's disk.  Two saves go untimed first:
    the first rebuild takes every page from the first build, the second reuses the generation before, as every
    later one does."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    temporary = os.path.join(work, "serve-tmp")
    rmtree(temporary)
    os.makedirs(temporary)
    env = dict(os.environ, TMPDIR=temporary)
    server = subprocess.Popen([roster, "serve", "--root", site, "--port", str(port), "--now", NOW], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, env=env)
    built = re.compile(r"已构建 .*用时 ([0-9.]+) 秒")
    failed = re.compile(r"构建失败|个错误，网站没有更新")

    def wait_for_build(then=None):
        for line in server.stdout:
            if then and then in line:
                return None
            if failed.search(line):
                raise RuntimeError("roster serve: " + line.strip())
            match = built.search(line)
            if match and not then:
                return float(match.group(1))
        raise RuntimeError("roster serve stopped")

    original = open(case_path(site), "rb").read()
    results = []
    try:
        wait_for_build(then="正在监视")
        for n in range(2 + args.runs):
            if n >= 2:
                wait_for_quiet(args.quiet, args.max_wait)
            start = time.time()
            change_one_case(site, 100 + n)
            reported = wait_for_build()
            if n >= 2:
                results.append((time.time() - start, reported))
            # Saves a second apart at least, as an editor's are (and so no save lands in the clock tick of the last).
            time.sleep(max(0.0, 1.0 - (time.time() - start)))
    finally:
        open(case_path(site), "wb").write(original)
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
        rmtree(temporary)
    return results


def machine():
    cpu = "?"
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem = int(re.search(r"MemTotal:\s+(\d+)", open("/proc/meminfo").read()).group(1)) / 1048576
    load = os.getloadavg()
    return "%s, %d cores, %.0f GiB, %s; load average before the run %.2f %.2f %.2f" % (
        cpu, os.cpu_count(), mem, platform.platform(), *load)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--roster", required=True, help="path of the release roster binary")
    ap.add_argument("--cases", default="2000,20000", help="comma-separated corpus sizes in cases (providers = cases/10)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--work", default=os.path.join(HERE, "..", ".bench"))
    ap.add_argument("--no-hugo", action="store_true")
    ap.add_argument("--hugo-max-cases", type=int, default=50000,
                    help="skip Hugo above this size: its peak memory (3.4 GB at 20,000 cases) grows with the content")
    ap.add_argument("--quiet", type=float, default=0.15, help="start a timed run only when at most this share of the cores is busy")
    ap.add_argument("--max-wait", type=float, default=120, help="seconds to wait for quiet cores before running anyway")
    ap.add_argument("--disturbed", type=float, default=0.10,
                    help="a run during which other processes used more than this share of the cores is repeated")
    ap.add_argument("--retries", type=int, default=2, help="repeats of a disturbed run (the least disturbed is kept)")
    ap.add_argument("--settle", type=float, default=360,
                    help="seconds to wait after a corpus replaced an older one (its files were deleted) before timing")
    args = ap.parse_args(argv)
    work = os.path.abspath(args.work)
    os.makedirs(work, exist_ok=True)
    roster = os.path.abspath(args.roster)
    sizes = [int(x) for x in args.cases.split(",") if x]
    use_hugo = not args.no_hugo and shutil.which("hugo")
    cmark = shutil.which("cmark-gfm")
    versions = subprocess.run(["hugo", "version"], capture_output=True, text=True).stdout.strip() if use_hugo else "no hugo"
    header = ["Machine: " + machine(), "Date: " + datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
              "Hugo: " + versions, "Runs per measurement: %d (median, min–max); page cache warm; disk synced and cores idle before each run; "
              "a run during which other processes used more than %.0f%% of the cores is repeated (up to %d times)"
              % (args.runs, args.disturbed * 100, args.retries)]
    print("\n".join(header), flush=True)

    rows, step_tables, extra = [], {}, []
    for cases in sizes:
        print("\n== %d cases ==" % cases)
        site, hugo_dir, bodies, replaced = corpus(work, cases)
        if replaced and args.settle > 0:
            # Replacing the old corpus deleted tens of thousands of files: ext4 then creates files slowly for up to
            # six minutes (see empty_trash), which measured 6-8 s for a 5.5 s build.
            print("  waiting %d s for the disk to settle after deleting the old corpus (--settle)" % args.settle, flush=True)
            time.sleep(args.settle)
        out = os.path.join(work, "out-%d" % cases)
        hugo_out = os.path.join(work, "hugo-out-%d" % cases)
        build = [roster, "build", "--root", site, "--output", out, "--now", NOW, "--verbose"]
        hugo = ["hugo", "--quiet", "--source", hugo_dir, "--destination", hugo_out]
        hugo_here = use_hugo and cases <= args.hugo_max_cases
        if use_hugo and not hugo_here:
            print("  (Hugo skipped at this size: --hugo-max-cases %d)" % args.hugo_max_cases)
        # Warm-up: fills the page cache and proves the corpus builds.
        clean_output(out); timed_once(build)
        if hugo_here:
            clean_output(hugo_out); timed_once(hugo)
        r, h, check, same, inc = [], [], [], [], []
        for run in range(args.runs):
            r.append(timed(build, args, before=lambda: clean_output(out)))
            line = "  run %d: roster %.2f s (CPU %.2f s, %.0f MB; others used %.0f%% of the cores)" % (
                run + 1, r[-1].wall, r[-1].cpu, r[-1].rss, r[-1].others * 100)
            if hugo_here:
                h.append(timed(hugo, args, before=lambda: clean_output(hugo_out)))
                line += "   hugo %.2f s (CPU %.2f s, %.0f MB; others %.0f%%)" % (h[-1].wall, h[-1].cpu, h[-1].rss, h[-1].others * 100)
            print(line, flush=True)
        all_steps = [steps(x.err) for x in r]
        step_tables[cases] = {name: med([s.get(name, 0) for s in all_steps]) for name in all_steps[0]}

        for _ in range(args.runs):
            check.append(timed([roster, "check", "--root", site], args))
        print("  check: %s s" % spread([x.wall for x in check]), flush=True)

        # Rebuilds over the existing site: twice first, so the build reuses the generation before the published one
        # (see OutputManifest) as it does from the third build on; then timed with nothing changed.
        for _ in range(2):
            timed_once(build)
        for _ in range(args.runs):
            same.append(timed(build, args))
        print("  rebuild, nothing changed: %s s" % spread([x.wall for x in same]), flush=True)

        # Incremental: one case file changes; build again.
        original = open(case_path(site), "rb").read()
        try:
            for n in range(args.runs):
                inc.append(timed(build, args, before=lambda: change_one_case(site, n)))
        finally:
            open(case_path(site), "wb").write(original)
        print("  rebuild after one case changed: %s s (publish step %s ms)"
              % (spread([x.wall for x in inc]), spread([steps(x.err).get("Publish", 0) for x in inc], "%.0f")), flush=True)
        served = serve_rebuilds(roster, site, work, args)
        print("  roster serve, one case saved: rebuilt %s s after the save (the rebuild itself %s s)"
              % (spread([x[0] for x in served]), spread([x[1] for x in served])), flush=True)

        files = content_files(site)
        start = time.time()
        size = 0
        for path in files:
            with open(path, "rb") as f:
                size += len(f.read())
        read_s = time.time() - start
        cmark_s = []
        if cmark:
            for _ in range(args.runs):
                cmark_s.append(timed([cmark] + CMARK_EXTENSIONS + [bodies], args).wall)
        rows.append((cases, r, h, check, same, inc, served, read_s, size, cmark_s, os.path.getsize(bodies)))
        report(header, rows, step_tables, work)

    return 0


def report(header, rows, step_tables, work):
    """Prints the results table and writes it to `<work>/results.md` (after every size, so a long run keeps what it has)."""
    lines = ["| cases | Roster build s | Hugo build s | Roster/Hugo | Roster CPU s | Hugo CPU s | Roster peak MB | Hugo peak MB "
             "| `roster check` s | rebuild, nothing changed s | rebuild after 1 case changed s "
             "| `roster serve`: save to rebuilt s | floor: read files s | floor: cmark-gfm 1 core s | worst interference |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for cases, r, h, check, same, inc, served, read_s, size, cmark_s, body_bytes in rows:
        def col(runs, key, fmt="%.1f"):
            return fmt % med([getattr(x, key) for x in runs]) if runs else "—"
        ratio = "%.2f" % (med([x.wall for x in r]) / med([x.wall for x in h])) if h else "—"
        lines.append("| %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %.2f (%d MB) | %s (%d MB) | %s |" % (
            cases, spread([x.wall for x in r]), spread([x.wall for x in h]), ratio, col(r, "cpu"), col(h, "cpu"),
            col(r, "rss", "%.0f"), col(h, "rss", "%.0f"), spread([x.wall for x in check]), spread([x.wall for x in same]),
            spread([x.wall for x in inc]), spread([x[0] for x in served]), read_s, size / 1e6, spread(cmark_s), body_bytes / 1e6,
            "%.0f%%" % (100 * max(x.others for x in r + h + check + same + inc))))
    names = list(next(iter(step_tables.values())).keys())
    step_lines = ["| step (median ms) | " + " | ".join("%d cases" % c for c in step_tables) + " |",
                  "|---|" + "---:|" * len(step_tables)]
    for name in names:
        step_lines.append("| %s | %s |" % (name, " | ".join("%.0f" % step_tables[c].get(name, 0) for c in step_tables)))
    text = "\n".join(header) + "\n\n" + "\n".join(lines) + "\n\nRoster build steps (`roster build --verbose`):\n\n" + "\n".join(step_lines) + "\n"
    print("\n" + text)
    with open(os.path.join(work, "results.md"), "w") as f:
        f.write(text)
    print("(also written to %s)" % os.path.join(work, "results.md"))
    # Deleted last: the next measurement of any kind, on this file system, is slower for some minutes after.
    empty_trash()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
