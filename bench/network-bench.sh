#!/usr/bin/env bash
# Medians for docs/performance.md ("SimGrid platform"): each (mode, nodes) in fresh processes.
# Usage: bench/network-bench.sh BUILD_DIR [RUNS]
set -euo pipefail
bin="${1:-build}/ktwin_bench_network"
runs="${2:-5}"
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
one() {  # mode nodes minutes runs
  local out=() line
  for ((i = 0; i < $4; i++)); do
    line=$("$bin" "$1" "$2" "$3")
    out+=("$line")
  done
  local run load per
  run=$(printf '%s\n' "${out[@]}" | sed 's/.*run_ms=\([0-9.]*\).*/\1/' | median)
  load=$(printf '%s\n' "${out[@]}" | sed 's/.*load_ms=\([0-9.]*\).*/\1/' | median)
  per=$(printf '%s\n' "${out[@]}" | sed 's/.*us_per_heartbeat=\([0-9.]*\).*/\1/' | median)
  echo "| $1 | $2 | $3 min | $(printf '%s\n' "${out[0]}" | sed 's/.*heartbeats=\([0-9]*\).*/\1/') | $load ms | $run ms | $per us | $4 |"
}
echo "| mode | nodes | virtual | heartbeats | platform load | run (median) | per heartbeat | processes |"
echo "|---|---|---|---|---|---|---|---|"
for n in 100 1000 5000; do
  one fast "$n" 10 "$runs"
  one routes "$n" 10 "$runs"
done
one messages 100 10 "$runs"
one messages 1000 10 1
one messages 5000 1 1
