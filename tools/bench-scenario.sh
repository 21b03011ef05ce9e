#!/usr/bin/env bash
# Runs a scenario N times (default 11) and prints the median wall time the run reported, its event
# count, and the median peak RSS. Usage: tools/bench-scenario.sh [SCENARIO] [N]
set -euo pipefail
scenario="${1:-scenarios/letschat-node-halt.yaml}"
runs="${2:-11}"
ktwin="${KTWIN:-build/ktwin}"
walls=(); rss=(); events=""
for _ in $(seq "$runs"); do
  out=$(/usr/bin/time -f "maxrss_kb %M" "$ktwin" run "$scenario" --quiet 2>&1 >/dev/null)
  walls+=("$(sed -n 's/.* in \([0-9.]*\) ms.*/\1/p' <<<"$out")")
  events=$(sed -n 's/.*(\([0-9]*\) events).*/\1/p' <<<"$out")
  rss+=("$(sed -n 's/maxrss_kb \([0-9]*\)/\1/p' <<<"$out")")
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "scenario: $scenario  runs: $runs  events: $events"
echo "median wall: $(median "${walls[@]}") ms  (min $(printf '%s\n' "${walls[@]}" | sort -g | head -1), max $(printf '%s\n' "${walls[@]}" | sort -g | tail -1))"
echo "median peak RSS: $(median "${rss[@]}") KiB"
