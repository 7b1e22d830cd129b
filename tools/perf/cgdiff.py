#!/usr/bin/env python3
# cgdiff.py BIG.out SMALL.out N [min] [-x]: per-item cost of each function (inclusive; exclusive with -x), from two callgrind runs that differ only in the number of rows (see cg_per_item.sh).
import re, signal, subprocess, sys
signal.signal(signal.SIGPIPE, signal.SIG_DFL)
big, small, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
mn = float(sys.argv[4]) if len(sys.argv) > 4 else 100
incl = "--inclusive=no" if "-x" in sys.argv else "--inclusive=yes"
def load(f):
    out = subprocess.run(["callgrind_annotate", incl, "--threshold=100", f], capture_output=True, text=True).stdout
    d = {}
    for l in out.splitlines():
        m = re.match(r'\s*([\d,]+) \([ \d.]+%\)\s+(\S.*)$', l)
        if m and not m.group(2).startswith("=>"):
            k = re.sub(r'\[/.*\]$', '', m.group(2)).strip()
            k = re.sub(r'/rustc/[0-9a-f]+/library/', '', k)
            k = re.sub(r'/root/.cargo/registry/src/index.crates.io-[0-9a-f]+/', '', k)
            d[k] = d.get(k, 0) + int(m.group(1).replace(',', ''))
    return d
a, b = load(big), load(small)
rows = sorted(((a[k] - b.get(k, 0)) / n, k) for k in a)
for v, k in reversed(rows):
    if v >= mn: print(f"{v:8.0f} {k[:150]}")
