#!/bin/bash
# Instructions per item of `iprscreen scan`, by callgrind (repeatable on a
# noisy machine): a run over N rows minus a run over 1 row, so start-up
# (ruleset compile, registry import) cancels out.
#
# Usage: tools/perf/cg_per_item.sh BIN TAG PEER_DIR REAL_CSV [N]
#   BIN       iprscreen binary (target/release/iprscreen)
#   TAG       name for the callgrind files, written to /tmp/cg-TAG-*.out
#   PEER_DIR  ../shared/bench/run.sh output (/tmp/peers-data-1000000-10000);
#             benches/peers.py writes its iprscreen/{registry.csv,items.jsonl}
#   REAL_CSV  a gen_manifest.py manifest (/tmp/m1m.csv)
#   N         rows (default 20000)
# Then: python3 tools/perf/cgdiff.py /tmp/cg-TAG-pN.out /tmp/cg-TAG-p1.out N 100 -x
set -euo pipefail
B=$1; T=$2; P=$3/iprscreen; M=$4; N=${5:-20000}
W=$(mktemp -d)
head -n 1 "$P/items.jsonl" > "$W/p1.jsonl"; head -n "$N" "$P/items.jsonl" > "$W/pN.jsonl"
head -n 2 "$M" > "$W/m1.csv"; head -n $((N + 1)) "$M" > "$W/mN.csv"
run() { setarch x86_64 -R valgrind --tool=callgrind --callgrind-out-file="/tmp/cg-$T-$1.out" "$B" scan --no-progress --threads 1 -o /dev/null "${@:2}" 2>&1 | awk '/Collected/ {print $4}'; }
a=$(run p1 --registry "$P/registry.csv" --registry-only "$W/p1.jsonl")
b=$(run pN --registry "$P/registry.csv" --registry-only "$W/pN.jsonl")
c=$(run m1 "$W/m1.csv"); d=$(run mN "$W/mN.csv")
echo "$T: peer corpus $(( (b - a) / N )) instructions/item, real titles $(( (d - c) / N )) instructions/item"
rm -rf "$W"
