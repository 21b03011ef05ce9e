#!/usr/bin/env bash
# Durability (issue 6): `kill -9` of `ktwin server` during a stream of creates, then a restart: every
# create the server acknowledged (201) is there, no ClusterIP is handed out twice, and the agent
# reconnects by itself (its Lease is renewed after the restart).
#   usage: server_crash_test.sh KTWIN SOURCE_DIR
set -euo pipefail
ktwin=$(realpath "$1")
work=$(mktemp -d /tmp/ktwin-crash.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  if [ "${KEEP_WORK:-}" = 1 ]; then echo "work dir kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
fail() {
  echo "FAILED: $*" >&2
  for log in "$work"/*.log; do echo "--- $log (last 30 lines)"; tail -30 "$log"; done >&2
  exit 1
}
wait_for() {
  local seconds=$1 what=$2; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || fail "timed out after ${seconds}s waiting for $what"
    sleep 0.2
  done
}
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
start_server() {
  "$ktwin" server --data-dir "$work/srv" --bind-address 127.0.0.1 --https-listen-port "$port" \
    --disable-agent --token crash-secret --ingress-port 0 >>"$work/server.log" 2>&1 &
  server_pid=$!
  pids+=("$server_pid")
}
api="https://127.0.0.1:$port"
kubeconfig=$work/srv/kubeconfig.yaml
# The admin client certificate, out of the kubeconfig, for curl.
cert_of() { grep "$1" "$kubeconfig" | head -1 | awk '{print $2}' | base64 -d; }
call() { curl -s --cacert "$work/ca.crt" --cert "$work/admin.crt" --key "$work/admin.key" "$@"; }

start_server
wait_for 30 "the kubeconfig" test -s "$kubeconfig"
cert_of certificate-authority-data >"$work/ca.crt"
cert_of client-certificate-data >"$work/admin.crt"
cert_of client-key-data >"$work/admin.key"
wait_for 30 "the API" call -f "$api/version"

"$ktwin" agent --server "$api" --token "$(cat "$work/srv/server/node-token")" --node-name crash-agent \
  --runtime process --pod-network host --data-dir "$work/agent" >"$work/agent.log" 2>&1 &
pids+=($!)
wait_for 60 "the agent's Lease" call -f "$api/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/crash-agent"

# Creates as fast as one client can send them; each acknowledged name is appended after its 201.
(
  i=0
  while :; do
    i=$((i + 1))
    body="{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"svc-$i\"},\"spec\":{\"ports\":[{\"port\":80}]}}"
    code=$(call -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' -X POST --data "$body" \
      "$api/api/v1/namespaces/default/services" || true)
    [ "$code" = 201 ] && echo "svc-$i" >>"$work/acked"
  done
) &
writer=$!
pids+=("$writer")
sleep 3
kill -9 "$server_pid"
sleep 0.5
kill "$writer"
acked=$(wc -l <"$work/acked")
[ "$acked" -ge 5 ] || fail "only $acked creates acknowledged before the kill"
echo "killed the server after $acked acknowledged creates"

restart=$(date +%s)
start_server
wait_for 30 "the API after the restart" call -f "$api/version"
call -f "$api/api/v1/namespaces/default/services" >"$work/services.json" || fail "list services after restart"
python3 - "$work/services.json" "$work/acked" <<'PY' || fail "acknowledged objects lost or ClusterIPs duplicated"
import json, sys
services = json.load(open(sys.argv[1]))["items"]
names = {s["metadata"]["name"] for s in services}
acked = [line.strip() for line in open(sys.argv[2]) if line.strip()]
missing = [n for n in acked if n not in names]
ips = [s["spec"].get("clusterIP") for s in services]
dupes = {ip for ip in ips if ips.count(ip) > 1}
print(f"{len(acked)} acknowledged, {len(missing)} missing, {len(services)} stored, duplicate ClusterIPs: {sorted(dupes)}")
sys.exit(1 if missing or dupes else 0)
PY
renewed_after_restart() {
  local renew
  renew=$(call -f "$api/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/crash-agent" |
    python3 -c 'import json,sys,datetime; t=json.load(sys.stdin)["spec"]["renewTime"]; print(int(datetime.datetime.fromisoformat(t.replace("Z","+00:00")).timestamp()))')
  [ "$renew" -ge "$restart" ]
}
wait_for 60 "the agent renewing its Lease after the restart" renewed_after_restart
echo "PASSED"
