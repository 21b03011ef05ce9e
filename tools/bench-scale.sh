#!/usr/bin/env bash
# Scale benchmark: for each N, a cluster of N nodes (4 CPU, 8 GiB) and one Deployment of 30*N pause pods
# (10m CPU, 20 MiB each), simulated for 10 virtual minutes. Runs `ktwin run --quiet` RUNS times (default 3)
# per size and prints the median wall time, events/s, median peak RSS (/usr/bin/time -v) and virtual
# seconds per wall second. Usage: tools/bench-scale.sh [N...]   (default: 100 500 1000 2000)
# Env: KTWIN (binary, default build/ktwin), RUNS, DURATION (default 10m), TIMEOUT (s per run, default 600).
set -euo pipefail
ktwin="$(realpath "${KTWIN:-build/ktwin}")"
runs="${RUNS:-3}"
duration="${DURATION:-10m}"
timeout_s="${TIMEOUT:-600}"
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(100 500 1000 2000)
dir=$(mktemp -d /tmp/bench-scale.XXXXXX)
trap 'rm -rf "$dir"' EXIT

seconds_of() {  # 10m, 1h, 90s -> seconds
  local d="$1"
  case "$d" in *h) echo $(( ${d%h} * 3600 ));; *m) echo $(( ${d%m} * 60 ));; *s) echo "${d%s}";; *) echo "$d";; esac
}
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
virtual_s=$(seconds_of "$duration")

printf '%-6s %-8s %-10s %-10s %-12s %-10s %-10s\n' nodes pods wall_ms events events/s rss_MiB virt/wall
for n in "${sizes[@]}"; do
  pods=$((30 * n))
  cat >"$dir/dep-$n.yaml" <<YAML
apiVersion: apps/v1
kind: Deployment
metadata: {name: load}
spec:
  replicas: $pods
  selector: {matchLabels: {app: load}}
  template:
    metadata: {labels: {app: load}}
    spec:
      containers:
      - name: pause
        image: pause
        resources: {requests: {cpu: 10m, memory: 20Mi}}
YAML
  cat >"$dir/scale-$n.yaml" <<YAML
apiVersion: ktwin/v1
kind: Scenario
metadata: {name: scale-$n}
seed: 1
duration: $duration
cluster:
  nodes:
    - {namePrefix: node, count: $n, capacity: {cpu: "4", memory: 8Gi}}
manifests: [dep-$n.yaml]
YAML
  walls=(); rss=(); events=0; failed=""
  for _ in $(seq "$runs"); do
    if ! out=$(timeout "$timeout_s" /usr/bin/time -v "$ktwin" run "$dir/scale-$n.yaml" --quiet 2>&1 >/dev/null); then
      failed="failed or timed out after ${timeout_s}s"; break
    fi
    walls+=("$(sed -n 's/.* in \([0-9.]*\) ms.*/\1/p' <<<"$out")")
    events=$(sed -n 's/.*(\([0-9]*\) events).*/\1/p' <<<"$out")
    rss+=("$(sed -n 's/.*Maximum resident set size (kbytes): \([0-9]*\)/\1/p' <<<"$out")")
  done
  if [ -n "$failed" ]; then printf '%-6s %-8s %s\n' "$n" "$pods" "$failed"; continue; fi
  wall=$(median "${walls[@]}")
  awk -v n="$n" -v p="$pods" -v w="$wall" -v e="$events" -v r="$(median "${rss[@]}")" -v v="$virtual_s" \
    'BEGIN {printf "%-6s %-8s %-10.0f %-10s %-12.0f %-10.0f %-10.1f\n", n, p, w, e, e / (w / 1000), r / 1024, v / (w / 1000)}'
done
