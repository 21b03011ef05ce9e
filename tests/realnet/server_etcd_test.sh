#!/bin/bash
# ktwin server with --datastore-endpoint against a real etcd (issue 6): resourceVersions are etcd's
# mod_revisions, a Pod put with etcdctl behind the server's back is listed and watched by kubectl, a
# delete with etcdctl reaches `kubectl get -w`, and a restart keeps the same resourceVersions.
# Usage: server_etcd_test.sh KTWIN KUBECTL. Exit 77 (ctest SKIP) when kubectl, etcd or etcdctl is absent.
set -u
ktwin=$1
kubectl=$2
for tool in "$kubectl" etcd etcdctl; do
  if ! command -v "$tool" >/dev/null; then
    echo "SKIP: $tool is not installed (Debian: kubernetes-client, etcd-server, etcd-client)"
    exit 77
  fi
done
dir=$(mktemp -d /tmp/ktwin-etcd-e2e-XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
  rm -rf "$dir"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*"
  for log in "$dir"/*.log; do echo "--- $log (last 30 lines)"; tail -30 "$log"; done
  exit 1
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_for() {
  local what=$1; shift
  for _ in $(seq 100); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
  fail "timed out waiting for $what"
}

client=http://127.0.0.1:$(free_port)
peer=http://127.0.0.1:$(free_port)
etcd --data-dir "$dir/etcd" --listen-client-urls "$client" --advertise-client-urls "$client" \
  --listen-peer-urls "$peer" --initial-advertise-peer-urls "$peer" --initial-cluster "default=$peer" \
  >"$dir/etcd.log" 2>&1 &
pids+=($!)
e() { ETCDCTL_API=3 etcdctl --endpoints "$client" "$@"; }
wait_for "etcd" e endpoint health

port=$(free_port)
server_pid=
starts=0
start_server() {
  starts=$((starts + 1))
  local log="$dir/server-$starts.log"
  "$ktwin" server --data-dir "$dir/data" --https-listen-port "$port" --bind-address 127.0.0.1 --disable-agent \
    --ingress-port 0 --datastore-endpoint "$client" >"$log" 2>&1 &
  server_pid=$!
  pids+=("$server_pid")
  wait_for "the server" grep -q "listening on https://127.0.0.1:$port" "$log"
}
stop_server() { kill "$server_pid" && wait "$server_pid"; }
k() { "$kubectl" --kubeconfig "$dir/data/kubeconfig.yaml" --cache-dir "$dir/cache" "$@"; }
# The mod_revision etcd holds for KEY (etcdctl get -w json), and an object's resourceVersion.
mod_revision() { e get "$1" -w json | python3 -c 'import json,sys; print(json.load(sys.stdin)["kvs"][0]["mod_revision"])'; }
rv() { k get "$@" -o 'jsonpath={.metadata.resourceVersion}'; }

start_server
svc_rv=$(rv svc kubernetes) || fail "kubectl get svc kubernetes"
[ "$svc_rv" = "$(mod_revision /registry/services/specs/default/kubernetes)" ] ||
  fail "the kubernetes Service's resourceVersion $svc_rv is not its etcd mod_revision"

# A Pod written with etcdctl, as another process would: kubectl lists it with etcd's revision.
pod='{"apiVersion":"v1","kind":"Pod","metadata":{"name":"x","namespace":"default"},"spec":{"containers":[{"name":"c","image":"busybox"}]}}'
e put /registry/pods/default/x "$pod" >/dev/null || fail "etcdctl put"
wait_for "kubectl get pods to list x" sh -c "\"$kubectl\" --kubeconfig '$dir/data/kubeconfig.yaml' get pods --no-headers | grep -q '^x '"
x_rv=$(rv pod x)
[ "$x_rv" = "$(mod_revision /registry/pods/default/x)" ] || fail "pod x has resourceVersion $x_rv, not its mod_revision"

# A delete with etcdctl reaches a running `kubectl get -w`.
k get pods -w --output-watch-events --no-headers >"$dir/watch.out" 2>&1 &
watch_pid=$!
pids+=("$watch_pid")
wait_for "the watch's first line" grep -q '^ADDED *x ' "$dir/watch.out"
e del /registry/pods/default/x >/dev/null || fail "etcdctl del"
wait_for "kubectl get -w to print the delete" grep -q '^DELETED *x ' "$dir/watch.out"
kill "$watch_pid"
k get pod x >/dev/null 2>&1 && fail "pod x is still served after etcdctl del"

# A restart reloads every object with the resourceVersion etcd gave it.
e put /registry/pods/default/y "${pod//\"x\"/\"y\"}" >/dev/null || fail "etcdctl put y"
wait_for "pod y" k get pod y
y_rv=$(rv pod y)
stop_server
start_server
[ "$(rv svc kubernetes)" = "$svc_rv" ] || fail "the kubernetes Service's resourceVersion changed across a restart"
[ "$(rv pod y)" = "$y_rv" ] || fail "pod y's resourceVersion changed across a restart"
echo "ok: resourceVersions are etcd's; etcdctl's put and delete reached kubectl get and get -w; a restart kept them"
