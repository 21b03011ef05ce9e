#!/usr/bin/env bash
# Pod start latency in real mode (issue 6): `ktwin server` with its own node in a network namespace of
# its own, a Deployment of N replicas applied with kubectl, and per pod the time from the apply to the
# first sight of it Running (the API polled every 100 ms). Prints p50, p99 and max over the N pods.
#   usage: bench/pod-start-latency.sh KTWIN [N (100)] [RUNTIME containerd|process]   (root)
# containerd: uses the one at /run/containerd/containerd.sock, started here (and stopped) if absent.
set -euo pipefail
ktwin=$(realpath "$1")
n=${2:-100}
runtime=${3:-containerd}
src=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/ktwin-podstart.XXXXXX)
ns=ktw-podstart
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  sleep 1
  ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
  ip netns del "$ns" 2>/dev/null || true
  ip netns list 2>/dev/null | awk '/^ktwin-/ {print $1}' | xargs -r -n1 ip netns del 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
sock=/run/containerd/containerd.sock
if [ "$runtime" = containerd ] && [ ! -S "$sock" ]; then
  containerd >"$work/containerd.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 50); do [ -S "$sock" ] && break; sleep 0.2; done
fi
"$src/tools/make-test-image.sh" "$work/lc.tar" sdelements/lets-chat:latest 'exec httpd -f -p 8080 -h /tmp' >/dev/null
import_args=()
[ "$runtime" = containerd ] && import_args=(--container-runtime-endpoint "$sock")
"$ktwin" image import --data-dir "$work/srv" "${import_args[@]}" "$work/lc.tar" >/dev/null
ip netns add "$ns"
ip -n "$ns" link set lo up
ip netns exec "$ns" "$ktwin" server --data-dir "$work/srv" --bind-address 127.0.0.1 --node-name bench \
  --runtime "$runtime" --ingress-port 0 >"$work/server.log" 2>&1 &
pids+=($!)
k() { ip netns exec "$ns" kubectl --kubeconfig "$work/srv/kubeconfig.yaml" "$@"; }
for _ in $(seq 150); do k get node bench --no-headers 2>/dev/null | grep -q ' Ready ' && break; sleep 0.2; done
k get node bench --no-headers | grep -q ' Ready ' || { tail -20 "$work/server.log"; echo "node not Ready" >&2; exit 1; }
sed "s/replicas: 1/replicas: $n/" "$src/scenarios/letschat/letschat-deployment.yaml" >"$work/deploy.yaml"
start=$(date +%s.%N)
k apply -f "$work/deploy.yaml" >/dev/null
python3 - "$n" "$start" "$ns" "$work/srv/kubeconfig.yaml" <<'PY'
import json, subprocess, sys, time
n, start, ns, kubeconfig = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3], sys.argv[4]
seen = {}
deadline = time.time() + 300
while len(seen) < n and time.time() < deadline:
    out = subprocess.run(["ip", "netns", "exec", ns, "kubectl", "--kubeconfig", kubeconfig, "get", "pods", "-o", "json"],
                         capture_output=True, text=True).stdout
    now = time.time()
    for pod in json.loads(out or '{"items":[]}')["items"]:
        if pod["status"].get("phase") == "Running" and pod["metadata"]["name"] not in seen:
            seen[pod["metadata"]["name"]] = now - start
    time.sleep(0.1)
lat = sorted(seen.values())
if len(lat) < n:
    print(f"only {len(lat)} of {n} pods Running after 300 s"); sys.exit(1)
pick = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))]
print(f"{n} pods: apply to Running p50 {pick(0.5):.2f} s, p99 {pick(0.99):.2f} s, max {lat[-1]:.2f} s (first {lat[0]:.2f} s)")
PY
