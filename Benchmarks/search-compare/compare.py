#!/usr/bin/env python3
"""Roster's search against Pagefind on the same built site: which pages each finds, and what each downloads.

    python3 Benchmarks/search-compare/compare.py [--roster PATH] [--out DIR]           # the default site
    python3 Benchmarks/search-compare/compare.py --root .bench/site-20000 --bytes-only --out DIR   # a large corpus

Builds the default site (`roster build --now 2024-02-10`), copies it and runs Pagefind's extended build
(`python3 -m pagefind_bin_extended`, which segments Chinese with jieba) on the copy, serves both on
loopback and drives each engine's own JavaScript in headless Chromium for every query of queries.txt:
Roster through its /search/ page, Pagefind through its JS API (`pagefind.search`, then `result.data()`).

Both engines index the same pages, the provider, case and notice pages, and the same part of them, each
page's <main>: Pagefind is given `data-pagefind-body` on the <main> of those pages (its documented way of
saying what to index). Without it Pagefind indexes every page's header, navigation and sample-data banner,
so 公示 would match all 94 pages. List pages (home, showroom, directories) repeat the entries' text and are
left out of both; Roster also returns the four industry directories (name and description only), which the
comparison ignores.

Bytes are counted by the servers, on a first visit (no cache), for what it takes to show the first ten
results with their snippets: Roster's script bundle (the whole site.js), its manifest, the term shards the
query needs and ten snippet files; Pagefind's pagefind.js, worker, WebAssembly, entry, metadata, index
chunks and ten fragments. The page's HTML and CSS are left out of both. "gzip" is what a server that
compresses text (JS, JSON) would send; Pagefind's index files are gzip-compressed already, Roster's shards
are binary and sent as they are.

Writes results.md (the table) and results.json (every page each engine returned) next to this script,
and exits 1 if Roster misses a page Pagefind finds or downloads more for any query.
"""
import argparse
import functools
import gzip
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SCOPE = ("providers", "cases", "notices")
SHOWN = 10
NOW = "2024-02-10"


def read_queries():
    lines = (HERE / "queries.txt").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


class Server(http.server.ThreadingHTTPServer):
    """A static server that records the bytes of every file it sends."""

    daemon_threads = True

    def __init__(self, directory):
        self.directory = directory
        self.log = []
        self.lock = threading.Lock()
        self.gzipped = {}
        super().__init__(("127.0.0.1", 0), functools.partial(Handler, directory=directory))

    @property
    def base(self):
        return f"http://127.0.0.1:{self.server_address[1]}"

    def take(self):
        with self.lock:
            log, self.log = self.log, []
        return log

    def gzip_size(self, path, size):
        if path not in self.gzipped:
            text = path.endswith((".js", ".json", ".css", ".html"))
            self.gzipped[path] = len(gzip.compress(Path(path).read_bytes(), 9, mtime=0)) if text else size
        return self.gzipped[path]


class Handler(http.server.SimpleHTTPRequestHandler):
    def end_headers(self):
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def do_GET(self):
        path = self.translate_path(self.path)
        if os.path.isdir(path):
            path = os.path.join(path, "index.html")
        super().do_GET()
        if os.path.isfile(path):
            size = os.path.getsize(path)
            url = urllib.parse.urlsplit(self.path).path
            with self.server.lock:
                self.server.log.append((url, size, self.server.gzip_size(path, size)))

    def log_message(self, *args):
        pass


def build(roster, work, root):
    roster_root = work / "roster"
    subprocess.run([roster, "build", "--root", str(root), "--output", str(roster_root / "dx"), "--now", NOW],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    pagefind_root = work / "pagefind"
    shutil.copytree(roster_root, pagefind_root)
    scoped = 0
    for kind in SCOPE:
        for page in sorted((pagefind_root / "dx" / kind).glob("*/index.html")):
            html = page.read_text(encoding="utf-8")
            page.write_text(re.sub(r"<main\b", "<main data-pagefind-body", html, count=1), encoding="utf-8")
            scoped += 1
    output = subprocess.run([sys.executable, "-m", "pagefind_bin_extended", "--site", str(pagefind_root / "dx")],
                            check=True, capture_output=True, text=True).stdout
    version = subprocess.run([sys.executable, "-m", "pagefind_bin_extended", "--version"],
                             check=True, capture_output=True, text=True).stdout.strip()
    indexed = re.search(r"Indexed (\d+) pages", output)
    return roster_root, pagefind_root, scoped, int(indexed.group(1)) if indexed else None, version


def browser():
    options = Options()
    for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,2000"]:
        options.add_argument(argument)
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options)
    driver.set_script_timeout(60)
    return driver


def page_of(url):
    """`/dx/cases/x/` → `cases/x`."""
    path = urllib.parse.urlsplit(url).path
    return path.split("/dx/", 1)[-1].strip("/")


def run_roster(driver, server, query, everything=True):
    driver.get(f"{server.base}/dx/robots.txt")  # a neutral page, so the count starts from nothing
    server.take()
    driver.get(f"{server.base}/dx/search/?q={urllib.parse.quote(query)}")
    status = lambda d: d.find_element(By.CSS_SELECTOR, "[data-search-status]").text
    WebDriverWait(driver, 30).until(lambda d: re.search("找到", status(d)))
    time.sleep(0.1)
    log = server.take()
    used = [(u, b, g) for u, b, g in log if u.startswith("/dx/search/") and u != "/dx/search/" or re.match(r"/dx/assets/(site|search)\.[0-9a-f]+\.js$", u)]
    while everything and driver.find_elements(By.CSS_SELECTOR, "[data-search-more]"):
        before = len(driver.find_elements(By.CSS_SELECTOR, ".search-result"))
        driver.find_element(By.CSS_SELECTOR, "[data-search-more]").click()
        WebDriverWait(driver, 30).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".search-result")) > before)
    main = [page_of(a.get_attribute("href")) for a in
            driver.find_elements(By.CSS_SELECTOR, "[data-search-list=main] .search-result-title a")]
    partial = [page_of(a.get_attribute("href")) for a in
               driver.find_elements(By.CSS_SELECTOR, "[data-search-list=partial] .search-result-title a")]
    return {"pages": main + partial, "partial": partial, "status": status(driver),
            "bytes": sum(b for _, b, _ in used), "gzip": sum(g for _, _, g in used), "files": used}


PAGEFIND = """
const query = arguments[0], count = arguments[1], done = arguments[arguments.length - 1];
(async () => {
  const pagefind = await import("/dx/pagefind/pagefind.js");
  const search = await pagefind.search(query);
  const data = await Promise.all(search.results.slice(0, count).map(r => r.data()));
  done({total: search.results.length, urls: data.map(d => d.url)});
})().catch(e => done({error: String(e)}));
"""


def run_pagefind(driver, server, query, everything=True):
    driver.get(f"{server.base}/dx/robots.txt")
    server.take()
    first = driver.execute_async_script(PAGEFIND, query, SHOWN)
    if "error" in first:
        raise RuntimeError(f"Pagefind failed on {query}: {first['error']}")
    log = server.take()
    used = [(u, b, g) for u, b, g in log if u.startswith("/dx/pagefind/")]
    found = driver.execute_async_script(PAGEFIND, query, 100000 if everything else SHOWN)
    return {"pages": [page_of(u) for u in found["urls"]], "total": first["total"],
            "bytes": sum(b for _, b, _ in used), "gzip": sum(g for _, _, g in used), "files": used}


def kb(n):
    return f"{n / 1024:.1f}"


def write_report(rows, meta, out):
    ok_recall = all(not r["missing"] for r in rows)
    ok_bytes = all(r["roster"]["bytes"] < r["pagefind"]["bytes"] and r["roster"]["gzip"] < r["pagefind"]["gzip"] for r in rows)
    total = lambda engine, key: sum(r[engine][key] for r in rows)
    found_p = sum(len(r["pagefind"]["pages"]) for r in rows)
    extra = sum(len(r["extra"]) for r in rows)
    lines = [
        "# Roster search compared with Pagefind",
        "",
        "Generated by `python3 Benchmarks/search-compare/compare.py`; do not edit by hand. "
        "How the comparison is made is described at the top of the script.",
        "",
        f"- Site: the default content, `roster build --now {NOW}`; both engines index the {meta['scoped']} provider, case and "
        f"notice pages (Pagefind reports {meta['pagefind_pages']} pages indexed), each page's `<main>`.",
        f"- Pagefind: {meta['pagefind_version']}, extended build (jieba segmentation for Chinese), JS API in headless Chromium.",
        f"- Bytes: first visit, everything needed to show the first {SHOWN} results with snippets (script, index, snippet files); "
        "raw as a static server sends the files, gzip if the server compresses text.",
        f"- {sizes_line(meta)}",
        "",
        f"**Recall: Roster finds every page Pagefind finds for {'all' if ok_recall else 'NOT all'} {len(rows)} queries "
        f"({found_p} pages in all), and {extra} more.** "
        f"**Download: Roster {kb(total('roster', 'bytes') / len(rows))} KB per query on average "
        f"({kb(total('roster', 'gzip') / len(rows))} KB gzip), Pagefind {kb(total('pagefind', 'bytes') / len(rows))} KB "
        f"({kb(total('pagefind', 'gzip') / len(rows))} KB gzip); Roster downloads less for "
        f"{'every' if ok_bytes else 'NOT every'} query.**",
        "",
        "| Query | Pagefind pages | Roster pages (partial) | Missed by Roster | Found only by Roster | Pagefind KB (gzip) | Roster KB (gzip) |",
        "|---|--:|--:|--:|--:|--:|--:|",
    ]
    for r in rows:
        lines.append(f"| {r['query']} | {len(r['pagefind']['pages'])} | {len(r['roster_scoped'])} ({len(r['roster']['partial'])}) "
                     f"| {len(r['missing'])} | {len(r['extra'])} | {kb(r['pagefind']['bytes'])} ({kb(r['pagefind']['gzip'])}) "
                     f"| {kb(r['roster']['bytes'])} ({kb(r['roster']['gzip'])}) |")
    lines += [
        f"| **All {len(rows)}** | {found_p} | {sum(len(r['roster_scoped']) for r in rows)} "
        f"({sum(len(r['roster']['partial']) for r in rows)}) | {sum(len(r['missing']) for r in rows)} | {extra} "
        f"| {kb(total('pagefind', 'bytes'))} ({kb(total('pagefind', 'gzip'))}) | {kb(total('roster', 'bytes'))} ({kb(total('roster', 'gzip'))}) |",
        "",
        "“Partial” results have all the characters of a Chinese term but not the term itself; Roster lists them after the others, "
        "under their own heading. Industry directories Roster also returns are not counted.",
        "",
        "## Pages found only by Roster",
        "",
    ]
    for r in rows:
        if r["extra"]:
            lines.append(f"- **{r['query']}**: " + ", ".join(
                f"{p}{' (partial)' if p in r['roster']['partial'] else ''}" for p in r["extra"]))
    if not ok_recall:
        lines += ["", "## Pages Roster missed", ""]
        for r in rows:
            if r["missing"]:
                lines.append(f"- **{r['query']}**: " + ", ".join(r["missing"]))
    (out / "results.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    detail = {r["query"]: {"pagefind": r["pagefind"]["pages"], "roster": r["roster"]["pages"],
                           "roster_partial": r["roster"]["partial"],
                           # Sorted: requests made in parallel arrive in any order.
                           "pagefind_files": sorted([u, b] for u, b, _ in r["pagefind"]["files"]),
                           "roster_files": sorted([u, b] for u, b, _ in r["roster"]["files"])} for r in rows}
    (out / "results.json").write_text(json.dumps(detail, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return ok_recall and ok_bytes


def index_sizes(roster_site, pagefind_site):
    """Bytes on disk: Roster's manifest and term shards, its snippet files; Pagefind's index and fragments."""
    manifest = json.loads((roster_site / "search/index.json").read_text(encoding="utf-8"))
    search = roster_site / "search"
    size = lambda files: sum(f.stat().st_size for f in files if f.is_file())
    return {
        "pages": manifest["documents"],
        "roster_index": (search / "index.json").stat().st_size + size(search / "t" / f"{name}.bin" for name in manifest["files"]),
        "roster_snippets": size((search / manifest["results"] / "d").iterdir()),
        "pagefind_index": size((pagefind_site / "pagefind/index").iterdir()),
        "pagefind_fragments": size((pagefind_site / "pagefind/fragment").iterdir()),
    }


def sizes_line(meta):
    z = meta["sizes"]
    per = lambda n: f"{n / z['pages']:.0f} B"
    return (f"Index on disk for {z['pages']} searchable pages: Roster {kb(z['roster_index'])} KB (manifest and term shards, "
            f"{per(z['roster_index'])} per page) plus {kb(z['roster_snippets'])} KB of snippet files ({per(z['roster_snippets'])} "
            f"per page); Pagefind {kb(z['pagefind_index'])} KB of index chunks plus {kb(z['pagefind_fragments'])} KB of "
            "fragments (gzip-compressed files).")


def write_bytes_report(rows, meta, out):
    """For a large corpus: downloads per query only (listing every result would take thousands of clicks)."""
    ok = all(r["roster"]["bytes"] < r["pagefind"]["bytes"] for r in rows)
    total = lambda engine, key: sum(r[engine][key] for r in rows)
    lines = [
        "# Roster search compared with Pagefind: downloads on a large corpus",
        "",
        f"Generated by `python3 Benchmarks/search-compare/compare.py --root {meta['root']} --bytes-only`. "
        f"{meta['scoped']} provider, case and notice pages; {meta['pagefind_version']}. "
        f"First visit, what it takes to show the first {SHOWN} results with snippets.",
        "",
        sizes_line(meta),
        "",
        f"**Roster {kb(total('roster', 'bytes') / len(rows))} KB per query on average "
        f"({kb(total('roster', 'gzip') / len(rows))} KB gzip), Pagefind {kb(total('pagefind', 'bytes') / len(rows))} KB "
        f"({kb(total('pagefind', 'gzip') / len(rows))} KB gzip); Roster downloads less for {'every' if ok else 'NOT every'} query.**",
        "",
        "| Query | Pagefind results | Roster results | Pagefind KB (gzip) | Roster KB (gzip) |",
        "|---|--:|--:|--:|--:|",
    ]
    for r in rows:
        count = re.search(r"找到 (\d+)", r["roster"]["status"])
        lines.append(f"| {r['query']} | {r['pagefind']['total']} | {count.group(1) if count else 0} "
                     f"| {kb(r['pagefind']['bytes'])} ({kb(r['pagefind']['gzip'])}) | {kb(r['roster']['bytes'])} ({kb(r['roster']['gzip'])}) |")
    (out / "results.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return ok


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--roster", help="the roster executable (default: build this repository's, release mode)")
    parser.add_argument("--out", default=str(HERE), help="where to write results.md and results.json")
    parser.add_argument("--root", default=str(ROOT), help="the site root to build (default: this repository)")
    parser.add_argument("--bytes-only", action="store_true",
                        help="measure downloads only, on the first page of results (for corpora too large to list)")
    args = parser.parse_args()
    if not args.roster:
        # Build (a no-op when up to date) so that the comparison never measures a stale binary.
        subprocess.run(["swift", "build", "-c", "release", "--product", "roster"], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL)
        args.roster = str(ROOT / ".build/release/roster")
    queries = read_queries()
    with tempfile.TemporaryDirectory(prefix="search-compare-") as tmp:
        work = Path(tmp)
        roster_root, pagefind_root, scoped, pagefind_pages, version = build(args.roster, work, Path(args.root))
        servers = [Server(str(roster_root)), Server(str(pagefind_root))]
        for server in servers:
            threading.Thread(target=server.serve_forever, daemon=True).start()
        driver = browser()
        rows = []
        try:
            for query in queries:
                roster = run_roster(driver, servers[0], query, not args.bytes_only)
                pagefind = run_pagefind(driver, servers[1], query, not args.bytes_only)
                scoped_pages = [p for p in roster["pages"] if p.split("/")[0] in SCOPE]
                rows.append({
                    "query": query, "roster": roster, "pagefind": pagefind, "roster_scoped": scoped_pages,
                    "missing": [p for p in pagefind["pages"] if p not in roster["pages"]],
                    "extra": [p for p in scoped_pages if p not in pagefind["pages"]],
                })
                print(f"{query}: Pagefind {len(pagefind['pages'])} pages {kb(pagefind['bytes'])} KB, "
                      f"Roster {len(scoped_pages)} pages {kb(roster['bytes'])} KB, missed {len(rows[-1]['missing'])}")
        finally:
            driver.quit()
            for server in servers:
                server.shutdown()
        # Written before the temporary folders go (tens of thousands of files for a large corpus).
        meta = {"scoped": scoped, "pagefind_pages": pagefind_pages, "pagefind_version": version, "root": args.root,
                "sizes": index_sizes(roster_root / "dx", pagefind_root / "dx")}
        if args.bytes_only:
            ok = write_bytes_report(rows, meta, Path(args.out))
        else:
            ok = write_report(rows, meta, Path(args.out))
    claim = "Roster downloads less" if args.bytes_only else "Roster wins on recall and bytes"
    print(f"wrote {Path(args.out) / 'results.md'}: {claim if ok else 'Roster does NOT win'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
