#!/usr/bin/env python3
"""Splits a `perf record -g` profile of `roster build` into the costs the optimisation cares about.

    perf record -F 999 -g -e cpu-clock -o perf.data roster build ...
    perf script -i perf.data | python3 Benchmarks/perf-categories.py

A sample counts for a category when any frame of its stack matches (inclusive cost, so categories overlap: Mustache
is inside "page view models").  CPU seconds are the sum of the sample periods, over both cores.  Patterns match Swift's mangled
names, which is what perf prints for Swift.
"""
import argparse
import re
import sys
from collections import Counter

# (label, regex on a frame's symbol, or a function of the whole stack)
CATEGORIES = [
    ("Load content (SiteLoader)", r"10SiteLoaderO"),
    ("  YAML: Yams parse (compose)", r"4Yams"),
    ("    Yams duplicate-key check (Node hashing)", r"checkDuplicates"),
    ("  YAML: ContentValue conversion", r"10YAMLReaderO7convert"),
    ("  front matter split", r"FrontMatterDocument"),
    ("  typed decoding (FieldReader, *.decode)", r"11FieldReaderV|(4Case|8Provider|6Notice)V6decode"),
    ("  reading files (FileSystem.read)", r"10FileSystemO4read"),
    ("  UTF-8 check (SourceText.decode)", r"10SourceTextO6decode"),
    ("  placeholder scan (PlaceholderRules: every file read again)", r"16PlaceholderRulesO"),
    ("Check rules (Rules.check)", r"5RulesO5check|9LinkRulesO|13ProviderRulesO|14ReferenceRulesO|10QuotaRulesO"),
    ("  link rules (second cmark parse of every body)", r"9LinkRulesO"),
    ("  provider rules", r"13ProviderRulesO"),
    ("Markdown: cmark-gfm parse+render, all", r"^cmark_|^_?cmark|libcmark"),
    ("  cmark in build (renderBodies)", r"renderBodies"),
    ("  HTML String from C (String(cString:))", r"8Markdown.*render.*|cString"),
    ("Page view models + Mustache, all pages", r"13RenderContextV(8casePage|12providerPage|10noticePage|12industryPage|8homePage|12showroomPage|15industriesPage|11noticesPage|8dataPage)"),
    ("  Mustache render (swift-mustache)", r"8Mustache0A7LibraryV6render"),
    ("    Mustache context lookup (getChild, dynamic casts)", r"8Mustache0A8TemplateV8getChild"),
    ("    Mustache HTML escaping", r"htmlEscape"),
    ("    swift_dynamicCast / protocol conformance lookups", r"^swift_dynamicCast|^swift_conformsToProtocol|tryCast"),
    ("  page frame dictionary (RenderContext.page)", r"13RenderContextV4page5title"),
    ("  frame.merging(view)", r"merging"),
    ("  hasSampleData (scans every item per page)", r"hasSampleData"),
    ("  providerCard", r"13RenderContextV12providerCard"),
    ("  caseCard", r"13RenderContextV8caseCard"),
    ("  resultView (Decimal)", r"13RenderContextV10resultView"),
    ("  Decimal formatting (Format.decimal)", r"6FormatO7decimal"),
    ("  Pinyin (all)", r"6PinyinO"),
    ("    ICU transform (applyingTransform)", r"applyingTransform"),
    ("  listedProviders / activeCount filters", r"listedProviders|activeCount"),
    ("  facets, charts, directory order", r"6FacetsO|6ChartsO|14DirectoryOrderO|facet|chart"),
    ("Writing files (OutputFolder.write)", r"12OutputFolderC5write"),
    ("  atomic createFile (temp file + rename)", r"createFile|writeToFileAux"),
    ("  fsync", r"^fsync$|do_fsync"),
    ("  createDirectory", r"createDirectory"),
    ("Exports, feed, sitemap, calendars", r"providersJSON|providersCSV|casesJSON|casesCSV|atomFeed|sitemap|ICalendar|NoticeCalendars"),
    ("Publish (swap, delete previous site)", r"9PublisherO"),
    ("Kernel (any frame in kernel)", r"\[kernel"),
]
LEAF = [
    ("leaf: swift_retain/release", r"^swift_(retain|release|bridgeObjectRetain|bridgeObjectRelease)"),
    ("leaf: malloc/free", r"^(malloc|_int_malloc|_int_free|free|cfree|__libc_calloc|malloc_consolidate|unlink_chunk)"),
    ("leaf: kernel", r"\[kernel"),
]


def samples(stream):
    """Yields (period in ns, stack of symbols from the leaf up)."""
    stack, period = [], 0
    for line in stream:
        line = line.rstrip("\n")
        if not line.strip():
            if stack:
                yield period, stack
            stack = []
            continue
        if not line.startswith((" ", "\t")):
            m = re.search(r":\s+(\d+)\s+cpu-clock", line)
            period = int(m.group(1)) if m else 0
            continue
        if line.startswith((" ", "\t")):
            parts = line.strip().split(None, 1)
            if len(parts) == 2:
                sym = parts[1]
                dso = sym[sym.rfind("(") + 1:-1] if sym.endswith(")") else ""
                sym = re.sub(r"\+0x[0-9a-f]+ \(.*\)$|\s\(.*\)$", "", sym)
                stack.append(sym + ("" if "kernel" not in dso else " [kernel]") + (" libcmark" if "cmark" in dso else ""))
    if stack:
        yield period, stack


def main(argv):
    argparse.ArgumentParser(description=__doc__.split("\n")[0]).parse_args(argv)
    compiled = [(label, re.compile(p)) for label, p in CATEGORIES]
    leaf = [(label, re.compile(p)) for label, p in LEAF]
    counts, leaves, total = Counter(), Counter(), 0
    for period, stack in samples(sys.stdin):
        total += period
        for label, rx in compiled:
            if any(rx.search(frame) for frame in stack):
                counts[label] += period
        for label, rx in leaf:
            if rx.search(stack[0]):
                leaves[label] += period
    print("%.2f CPU s sampled" % (total / 1e9))
    print("| where (inclusive) | CPU s | share |")
    print("|---|---:|---:|")
    for label, _ in CATEGORIES + LEAF:
        n = counts[label] or leaves[label]
        print("| %s | %.2f | %.1f%% |" % (label.replace("  ", "&nbsp;&nbsp;"), n / 1e9, 100.0 * n / max(total, 1)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
