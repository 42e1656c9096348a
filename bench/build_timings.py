#!/usr/bin/env python3
"""The crates that take longest to compile, from cargo's timing reports (`cargo build --timings`
writes target/cargo-timings/cargo-timing-*.html). Sums each crate's units (library, build script,
proc macro) per report and prints the top N as a markdown table with the report's total.

    python3 bench/build_timings.py [--top 10] REPORT.html...
"""
import json
import re
import sys
from collections import defaultdict


def units(path):
    text = open(path, encoding="utf-8").read()
    m = re.search(r"const UNIT_DATA = (\[.*?\]);\n", text, re.S)
    if not m:
        sys.exit(f"{path}: no UNIT_DATA (not a cargo timing report?)")
    total = re.search(r"<td>Total time:</td><td>([0-9.]+)s", text)
    return json.loads(m.group(1)), float(total.group(1)) if total else None


def main(argv):
    top = 10
    if argv[:1] == ["--top"]:
        top, argv = int(argv[1]), argv[2:]
    for path in argv:
        data, total = units(path)
        per = defaultdict(float)
        for u in data:
            per[u["name"]] += u["duration"]
        rows = sorted(per.items(), key=lambda kv: -kv[1])[:top]
        share = sum(per.values())
        print(f"\n{path}: {len(data)} units, wall {total} s, unit time {share:.0f} s")
        print("| crate | seconds | share of unit time |\n|---|---|---|")
        for name, secs in rows:
            print(f"| {name} | {secs:.1f} | {100 * secs / share:.0f}% |")


if __name__ == "__main__":
    main(sys.argv[1:])
