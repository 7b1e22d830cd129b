#!/usr/bin/env python3
"""iprscreen's full scan pipeline next to the peers of ../shared/bench, in the
same rounds, on the same corpus (gen_corpus.py: 1M lines x 80 B, 10k patterns).

Usage (after ../shared/bench/run.sh has generated the corpus and built acbench):
    cargo build --release
    python3 benches/peers.py /tmp/peers-data-1000000-10000 /tmp/acbench/target/release/acbench [ROUNDS]

iprscreen runs as a whole process (like rg): JSONL parse of every line as an
item, registry = the 10k patterns (one mark each, --registry-only), matching
with normalisation and word boundaries, verdicts for EVERY item written as JSONL
to /dev/null, one scan thread (--threads 1) and then both cores. Peers count
lines containing a pattern (substring semantics), so they do much less work.
Reported: median seconds, items/s, CPU seconds (user + system) of the
iprscreen processes, and the median per-round ratio to rust-ac-line (raw
aho-corasick, per line) and to ripgrep -F -f.

Before/after in the same rounds: BASE=/path/to/old/iprscreen adds the two
iprscreen rows for that binary too.
"""
import json, os, resource, statistics, subprocess, sys, time

data, acb = sys.argv[1], sys.argv[2]
rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 3
P, C = os.path.join(data, "patterns.txt"), os.path.join(data, "corpus.txt")
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
exe = os.path.join(root, "target", "release", "iprscreen")
work = os.path.join(data, "iprscreen")
os.makedirs(work, exist_ok=True)
reg, man = os.path.join(work, "registry.csv"), os.path.join(work, "items.jsonl")
if not os.path.exists(man):
    with open(reg, "w") as f:
        f.write("name,aliases,classes,holder\n")
        for p in open(P).read().split("\n"):
            if p:
                f.write(f"{p},,25,\n")
    with open(man, "w") as f:
        for i, line in enumerate(open(C)):
            f.write(json.dumps({"id": str(i), "description": line.rstrip("\n")}) + "\n")
n_lines = sum(1 for _ in open(C))


def acbench(mode):
    out = subprocess.run([acb, P, C, mode, "1"], capture_output=True, text=True).stdout.strip().split("\t")
    return float(out[1])


cpu = {}


def whole(cmd, name=None):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if name:
        cpu.setdefault(name, []).append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return wall


def scan(binary):
    return [binary, "scan", "--registry", reg, "--registry-only", "--no-progress", "-o", "/dev/null"]


tools = {
    "rust-ac-line": lambda: acbench("ac-line"),
    "rust-daachorse-line": lambda: acbench("daac-line"),
    "ripgrep -F -f -c": lambda: whole(["rg", "-F", "-f", P, "-c", C]),
}
binaries = [("iprscreen", exe)] + ([("iprscreen (BASE)", os.environ["BASE"])] if os.environ.get("BASE") else [])
for label, binary in binaries:
    k1, k2 = f"{label} scan, 1 scan thread", f"{label} scan, 2 threads"
    tools[k1] = lambda b=binary, k=k1: whole(scan(b) + ["--threads", "1", man], k)
    tools[k2] = lambda b=binary, k=k2: whole(scan(b) + [man], k)
res = {k: [] for k in tools}
for r in range(rounds):
    for k, f in tools.items():
        res[k].append(f())
        print(f"round {r} {k}: {res[k][-1]:.3f}s", flush=True)
print(f"\n{n_lines} items; medians of {rounds} rounds\n")
print("| tool | median s | items/s | CPU s | ratio to rust-ac-line | ratio to rg -F -f |")
print("|---|---|---|---|---|---|")
for k, v in res.items():
    ra = statistics.median(a / b for a, b in zip(v, res["rust-ac-line"]))
    rg = statistics.median(a / b for a, b in zip(v, res["ripgrep -F -f -c"]))
    c = f"{statistics.median(cpu[k]):.3f}" if k in cpu else "-"
    print(f"| {k} | {statistics.median(v):.3f} | {n_lines / statistics.median(v):,.0f} | {c} | {ra:.2f} | {rg:.2f} |")
