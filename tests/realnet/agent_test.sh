#!/bin/bash
# ktwin agent end to end on loopback: a server, an agent with the process runtime joining with the
# node token; kubectl sees the node Ready with the machine's info and a pod Running (a real `sleep`
# process), deletes it (the process is gone); a wrong token is refused; after kill -9 and a restart
# of the server the agent reconnects by itself and registers again. Usage: agent_test.sh KTWIN KUBECTL.
set -u
ktwin=$1
kubectl=$2
[ -x "$kubectl" ] || { echo "SKIP: $kubectl is not installed"; exit 77; }
dir=$(mktemp -d /tmp/ktwin-agent-e2e-XXXXXX)
spid= apid=
cleanup() {
  [ -n "$apid" ] && kill "$apid" 2>/dev/null && wait "$apid" 2>/dev/null
  [ -n "$spid" ] && kill "$spid" 2>/dev/null && wait "$spid" 2>/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*"
  echo "--- server log"; cat "$dir/server.log"
  echo "--- agent log"; cat "$dir/agent.log"
  exit 1
}
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
start_server() {
  "$ktwin" server --data-dir "$dir/srv" --https-listen-port "$port" --bind-address 127.0.0.1 --disable-agent \
    >>"$dir/server.log" 2>&1 &
  spid=$!
  for _ in $(seq 50); do
    [ -f "$dir/srv/server/node-token" ] && (echo >/dev/tcp/127.0.0.1/$port) 2>/dev/null && return
    sleep 0.1
  done
  fail "the server did not start"
}
k() { "$kubectl" --kubeconfig "$dir/srv/kubeconfig.yaml" --cache-dir "$dir/cache" "$@"; }
# Waits up to $1 seconds for `k $2...` to print a line matching the regex $3.
wait_for() {
  local secs=$1 pattern=$3 out
  for _ in $(seq $((secs * 5))); do
    out=$(k $2 2>&1) && echo "$out" | grep -Eq "$pattern" && return 0
    sleep 0.2
  done
  fail "k $2 never matched '$pattern'; last: $out"
}

start_server
token=$(cat "$dir/srv/server/node-token")
server="https://127.0.0.1:$port"

# A token of another cluster: refused before anything runs, exit 1, the reason said.
bad="K10$(printf '0%.0s' $(seq 64))::server:${token##*::server:}"
out=$("$ktwin" agent --server "$server" --token "$bad" --node-name worker1 --runtime process --data-dir "$dir/bad" 2>&1)
[ $? -eq 1 ] || fail "a foreign token did not exit 1: $out"
echo "$out" | grep -q "does not match the token's CA hash" || fail "a foreign token: $out"
out=$("$ktwin" agent --server "$server" 2>&1); [ $? -eq 2 ] || fail "a missing --token did not exit 2: $out"

"$ktwin" agent --server "$server" --token "$token" --node-name worker1 --runtime process --pod-network host --data-dir "$dir/a1" \
  >"$dir/agent.log" 2>&1 &
apid=$!
wait_for 10 "get nodes -o wide" "^worker1 +Ready +<none> .* [0-9]+(\.[0-9]+){3} +<none> .*process://"
[ "$(stat -c %a "$dir/a1/agent/client.key")" = 600 ] || fail "client.key is not mode 0600"
kernel=$(uname -r)
k get nodes -o wide | grep -q -- "$kernel" || fail "the node does not show kernel $kernel"

cat >"$dir/pod.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata:
  name: sleeper
spec:
  containers:
  - name: app
    image: busybox
    command: ["sleep", "31$port"]
YAML
k apply -f "$dir/pod.yaml" >/dev/null || fail "kubectl apply"
wait_for 15 "get pods -o wide" "^sleeper +1/1 +Running +0 .* 10\.42\.[0-9]+\.[0-9]+ +worker1 "
pgrep -f "sleep 31$port" >/dev/null || fail "no sleep process runs for the pod"
# The IPAM state is on disk, so an agent restart does not hand the address out again.
ip=$(k get pod sleeper -o jsonpath='{.status.podIP}')
for _ in $(seq 15); do grep -q "\"$ip\"" "$dir/a1/agent/ipam.json" 2>/dev/null && break; sleep 0.2; done
grep -q "\"$ip\"" "$dir/a1/agent/ipam.json" || fail "ipam.json does not hold the pod's address $ip"
k delete pod sleeper >/dev/null || fail "kubectl delete"
wait_for 40 "get pods" "No resources found"
for _ in $(seq 25); do pgrep -f "sleep 31$port" >/dev/null || break; sleep 0.2; done
pgrep -f "sleep 31$port" >/dev/null && fail "the pod's process survived its deletion"

# kill -9 of the server, a restart: the agent relists, finds its Node (or registers it again).
kill -9 "$spid"; wait "$spid" 2>/dev/null
sleep 1
start_server
wait_for 40 "get nodes" "^worker1 +Ready "
grep -q "relisting" "$dir/agent.log" || fail "the agent did not notice the restart"
kill -0 "$apid" 2>/dev/null || fail "the agent died"
echo "PASS"
