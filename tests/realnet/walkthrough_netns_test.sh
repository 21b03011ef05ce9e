#!/usr/bin/env bash
# Real mode end to end (issue 6): `ktwin server` and two `ktwin agent`s on hosts made of network
# namespaces, the Let's Chat walk-through's kubectl commands with kubectl 1.20 and 1.32, a scale to
# 10 replicas spread over the nodes, then worker2's link cut: its pods are evicted after the
# shortened unreachable toleration (20 s) and recreated on the other nodes.
#   usage: walkthrough_netns_test.sh KTWIN SOURCE_DIR [process|containerd]   (root; exit 77 = skipped)
# With containerd, every host runs a containerd of its own (as every VM would), which its agent
# reaches with --container-runtime-endpoint.
set -euo pipefail
ktwin=$(realpath "$1")
src=$(realpath "$2")
runtime=${3:-process}
skip() { echo "SKIPPED: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root for network namespaces"
command -v ip >/dev/null || skip "needs iproute2"
if [ "$runtime" = containerd ]; then
  command -v containerd >/dev/null && command -v runc >/dev/null || skip "needs containerd and runc"
fi
kubectl132=${KUBECTL_132:-$(command -v kubectl || true)}
kubectl120=${KUBECTL_120:-$(dirname "$ktwin")/kubectl-1.20/usr/bin/kubectl}
[ -x "$kubectl132" ] || skip "no kubectl 1.32 (set KUBECTL_132)"
[ -x "$kubectl120" ] || skip "no kubectl 1.20 at $kubectl120 (tools/fetch-kubectl-1.20.sh $(dirname "$kubectl120" | xargs dirname | xargs dirname))"

source "$src/tests/realnet/netns_hosts.sh"
prefix=ktw-e2e
hosts=(srv a1 a2)
work=$(mktemp -d /tmp/ktwin-e2e.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  sleep 0.5
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  netns_hosts_destroy "$prefix" "${hosts[@]}"  # the agents, containerds and shims
  # Pods' processes live in their pods' namespaces and outlive a killed agent or shim. The process
  # runtime's are chrooted into an image under the work directory; containerd's are in the cgroups
  # /ktwin/<task id> (cgroup v1 or v2) of the tasks this test's containerds ran.
  for proc in /proc/[0-9]*; do
    case "$(readlink "$proc/root" 2>/dev/null)" in "$work"/*) kill -9 "${proc#/proc/}" 2>/dev/null || true ;; esac
  done
  for task in "$work"/*/containerd/state/io.containerd.runtime.v2.task/ktwin/*; do
    [ -d "$task" ] || continue
    cat "/sys/fs/cgroup/pids/ktwin/${task##*/}/cgroup.procs" "/sys/fs/cgroup/ktwin/${task##*/}/cgroup.procs" 2>/dev/null |
      xargs -r kill -9 2>/dev/null || true
  done
  # The agents' pod namespaces and the containers' root filesystems, which the killed agents leave.
  comm -13 <(echo "$netns_before") <(ip netns list 2>/dev/null | awk '{print $1}' | sort) | grep '^ktwin-' | xargs -r -n1 ip netns del 2>/dev/null || true
  awk -v w="$work/" 'index($2, w) == 1 {print $2}' /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  if [ "${KEEP_WORK:-}" = 1 ]; then echo "work dir kept: $work"; else rm -rf "$work"; fi
}
netns_before=$(ip netns list 2>/dev/null | awk '{print $1}' | sort)  # cleanup deletes only the ktwin- ones made after this
trap cleanup EXIT
fail() {
  echo "FAILED: $*" >&2
  if [ -s "${kubeconfig:-/nonexistent}" ]; then
    k132 get nodes -o wide >&2 || true
    k132 get pods -A -o wide >&2 || true
    k132 get nodes -o jsonpath='{range .items[*]}{.metadata.name}{": "}{range .status.conditions[*]}{.type}={.status}({.reason}) {end}{"\n"}{end}' >&2 || true
  fi
  for log in "$work"/*.log; do echo "--- $log (last 30 lines)"; tail -30 "$log"; done >&2
  exit 1
}
# Retries a command until it succeeds or `seconds` pass.
wait_for() {
  local seconds=$1 what=$2; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || fail "timed out after ${seconds}s waiting for $what"
    sleep 1
  done
}

netns_hosts_destroy "$prefix" "${hosts[@]}"  # leftovers of an interrupted run
netns_hosts_create "$prefix" "${hosts[@]}"
server_ip=$(netns_host_ip 0)

# Images cannot be pulled: the walk-through's images are busybox-static images that serve HTTP.
"$src/tools/make-test-image.sh" "$work/letschat.tar" sdelements/lets-chat:latest \
  'mkdir -p /www && echo "lets-chat on $(hostname)" > /www/index.html && exec httpd -f -p 8080 -h /www' >/dev/null
"$src/tools/make-test-image.sh" "$work/mongo.tar" mongo:latest 'exec httpd -f -p 27017 -h /tmp' >/dev/null
for host in "${hosts[@]}"; do
  "$ktwin" image import --data-dir "$work/$host" "$work/letschat.tar" "$work/mongo.tar" >/dev/null
done

# With containerd, each host's own containerd, in its namespace, with its own root, state and socket.
containerd_socket() { echo "$work/$1/containerd/containerd.sock"; }
start_containerd() {
  local host=$1 dir="$work/$1/containerd"
  mkdir -p "$dir"
  printf 'version = 2\ndisabled_plugins = ["io.containerd.grpc.v1.cri"]\n' >"$dir/config.toml"
  netns_host_exec "$prefix" "$host" containerd --config "$dir/config.toml" --root "$dir/root" --state "$dir/state" \
    --address "$(containerd_socket "$host")" >"$work/containerd-$host.log" 2>&1 &
  pids+=($!)
}
runtime_flags() {
  if [ "$runtime" = process ]; then echo "--runtime process"
  else echo "--runtime containerd --container-runtime-endpoint $(containerd_socket "$1")"; fi
}
if [ "$runtime" = containerd ]; then
  for host in "${hosts[@]}"; do start_containerd "$host"; done
  for host in "${hosts[@]}"; do wait_for 20 "$host's containerd" test -S "$(containerd_socket "$host")"; done
fi

# shellcheck disable=SC2046 # runtime_flags is a list of words
netns_host_exec "$prefix" srv "$ktwin" server --data-dir "$work/srv" --bind-address "$server_ip" \
  --node-name server --token e2e-secret $(runtime_flags srv) --default-unreachable-toleration-seconds 20 \
  --default-not-ready-toleration-seconds 20 >"$work/server.log" 2>&1 &
pids+=($!)
kubeconfig=$work/srv/kubeconfig.yaml
wait_for 30 "the server's kubeconfig" test -s "$kubeconfig"
k120() { "$kubectl120" --kubeconfig "$kubeconfig" --server "https://$server_ip:6443" "$@"; }
k132() { "$kubectl132" --kubeconfig "$kubeconfig" --server "https://$server_ip:6443" "$@"; }
wait_for 30 "the API" k132 get --raw /version
token=$(cat "$work/srv/server/node-token")
for i in 1 2; do
  # shellcheck disable=SC2046
  netns_host_exec "$prefix" "a$i" "$ktwin" agent --server "https://$server_ip:6443" --token "$token" \
    --node-name "worker$i" $(runtime_flags "a$i") --data-dir "$work/a$i" >"$work/agent$i.log" 2>&1 &
  pids+=($!)
done

# Conditions are functions: wait_for re-evaluates them on every try.
three_nodes_ready() { [ "$(k132 get nodes --no-headers | awk '$2 == "Ready"' | wc -l)" = 3 ]; }
wait_for 60 "3 Ready nodes" three_nodes_ready
echo "== kubectl 1.20 get nodes"
k120 get nodes | tee "$work/nodes.txt"
head -1 "$work/nodes.txt" | grep -Eq '^NAME +STATUS +ROLES +AGE +VERSION$' || fail "get nodes header"
grep -Eq '^server +Ready +control-plane,master ' "$work/nodes.txt" || fail "the server node's roles"
grep -Eq '^worker1 +Ready +<none> ' "$work/nodes.txt" || fail "worker1's row"

# host-gw routes: every host reaches every node's pod CIDR through that node.
for i in "${!hosts[@]}"; do
  node=$([ "$i" = 0 ] && echo server || echo "worker$i")
  cidr=$(k132 get node "$node" -o jsonpath='{.spec.podCIDR}')
  [ -n "$cidr" ] || fail "node $node has no podCIDR"
  for j in "${!hosts[@]}"; do
    [ "$i" = "$j" ] || ip -n "$prefix-${hosts[$j]}" route replace "$cidr" via "$(netns_host_ip "$i")"
  done
done

echo "== kubectl 1.20 apply"
for manifest in mongo-deployment mongo-srv letschat-deployment letschat-srv ingress; do
  k120 apply -f "$src/scenarios/letschat/$manifest.yaml"
done | tee "$work/apply.txt"
grep -q '^deployment.apps/mongo created$' "$work/apply.txt" || fail "apply mongo"
grep -q '^ingress.networking.k8s.io/ingress-letschat created$' "$work/apply.txt" || fail "apply ingress"
running() { k132 get pods -l "name=$1" --no-headers 2>/dev/null | awk '$3 == "Running" && $2 == "1/1"' | wc -l; }
one_of_each_running() { [ "$(running mongo)" = 1 ] && [ "$(running letschat)" = 1 ]; }
wait_for 60 "mongo and letschat Running" one_of_each_running
echo "== kubectl 1.20 get pods -o wide"
k120 get pods -o wide | tee "$work/pods.txt"
head -1 "$work/pods.txt" | grep -Eq '^NAME +READY +STATUS +RESTARTS +AGE +IP +NODE +NOMINATED NODE +READINESS GATES$' || fail "get pods -o wide header"
k120 get deploy,svc,ing

echo "== the ingress and the NodePort reach the pod"
wait_for 20 "the ingress answering" ip netns exec "$prefix-srv" curl -sf -H 'Host: www.letschat.com' "http://$server_ip/"
ip netns exec "$prefix-srv" curl -sf -H 'Host: www.letschat.com' "http://$server_ip/" | grep -q '^lets-chat on ' || fail "ingress body"
node_port=$(k132 get svc letschat -o jsonpath='{.spec.ports[0].nodePort}')
wait_for 20 "the NodePort on worker1" ip netns exec "$prefix-a1" curl -sf "http://$(netns_host_ip 1):$node_port/"

echo "== kubectl 1.32: apply again (unchanged), scale to 10"
k132 apply -f "$src/scenarios/letschat/letschat-deployment.yaml" | grep -q 'unchanged' || fail "second apply not unchanged"
k132 scale deploy letschat --replicas=10 | grep -q 'scaled' || fail "scale"
ten_running() { [ "$(running letschat)" = 10 ]; }
wait_for 90 "10 letschat pods Running" ten_running
k132 get pods -o wide -l name=letschat | tee "$work/scaled.txt"
for node in server worker1 worker2; do
  count=$(awk -v n="$node" '$7 == n' "$work/scaled.txt" | wc -l)
  [ "$count" -ge 2 ] || fail "only $count letschat pods on $node after scaling to 10"
done

echo "== worker2's link down: eviction after 40 s grace + 20 s toleration, then rescheduling"
ip link set "$prefix-v2" down
cut=$SECONDS
worker2_not_ready() { k132 get node worker2 --no-headers | grep -q NotReady; }
wait_for 90 "worker2 NotReady" worker2_not_ready
none_left_on_worker2() { [ "$(k132 get pods -l name=letschat -o wide --no-headers | awk '$7 == "worker2" && $3 != "Terminating"' | wc -l)" = 0 ]; }
wait_for 120 "worker2's letschat pods evicted" none_left_on_worker2
ten_elsewhere() { [ "$(k132 get pods -l name=letschat -o wide --no-headers | awk '$3 == "Running" && $7 != "worker2"' | wc -l)" = 10 ]; }
wait_for 90 "10 letschat pods Running on server and worker1" ten_elsewhere
echo "recovered $((SECONDS - cut)) s after the cut"
k120 get pods -o wide
echo "PASSED"
