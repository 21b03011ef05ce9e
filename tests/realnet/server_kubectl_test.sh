#!/bin/bash
# ktwin server end to end on loopback: an unmodified kubectl reads the admin kubeconfig the server
# wrote and lists, creates and watches objects; no credentials is 401; the node token buys a node
# certificate. Usage: server_kubectl_test.sh KTWIN KUBECTL. Exit 77 (ctest SKIP) when KUBECTL is absent.
set -u
ktwin=$1
kubectl=$2
if [ ! -x "$kubectl" ]; then
  echo "SKIP: $kubectl is not installed (kubectl 1.20: tools/fetch-kubectl-1.20.sh build/kubectl-1.20)"
  exit 77
fi
dir=$(mktemp -d /tmp/ktwin-e2e-XXXXXX)
pid=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*"
  echo "--- server log"; cat "$dir/server.log"
  exit 1
}

# A free port: the kernel picks one for a throwaway listener.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$ktwin" server --data-dir "$dir/data" --https-listen-port "$port" --bind-address 127.0.0.1 --disable-agent \
  --write-kubeconfig "$dir/kubeconfig-copy.yaml" >"$dir/server.log" 2>&1 &
pid=$!
for _ in $(seq 50); do
  grep -q "listening on" "$dir/server.log" && break
  kill -0 "$pid" 2>/dev/null || fail "the server exited"
  sleep 0.1
done
grep -q "listening on https://127.0.0.1:$port" "$dir/server.log" || fail "the server did not start"

k() { "$kubectl" --kubeconfig "$dir/data/kubeconfig.yaml" --cache-dir "$dir/cache" "$@"; }
echo "kubectl: $("$kubectl" version --client 2>/dev/null | head -1)"

out=$(k get nodes 2>&1) || fail "kubectl get nodes: $out"
[ "$out" = "No resources found" ] || fail "kubectl get nodes printed: $out"
out=$(k get svc kubernetes 2>&1) || fail "kubectl get svc: $out"
echo "$out" | grep -Eq '^kubernetes +ClusterIP +10\.43\.0\.1 ' || fail "kubectl get svc printed: $out"
cmp -s "$dir/data/kubeconfig.yaml" "$dir/kubeconfig-copy.yaml" || fail "--write-kubeconfig differs from DATA_DIR/kubeconfig.yaml"
[ "$(stat -c %a "$dir/data/kubeconfig.yaml")" = 600 ] || fail "kubeconfig.yaml is not mode 0600"

# The control plane runs: a Deployment gets its ReplicaSet and Pods (Pending: no node has joined).
cat >"$dir/web.yaml" <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: busybox
YAML
out=$(k apply -f "$dir/web.yaml" 2>&1) || fail "kubectl apply: $out"
pods=""
for _ in $(seq 50); do
  pods=$(k get pods --no-headers 2>&1 | grep -c '^web-.* Pending ')
  [ "$pods" = 2 ] && break
  sleep 0.1
done
[ "$pods" = 2 ] || fail "expected 2 Pending web pods, got: $(k get pods 2>&1)"

# Events: the controllers' and the scheduler's, as get events and describe print them.
out=$(k get events 2>&1) || fail "kubectl get events: $out"
echo "$out" | head -1 | grep -Eq '^LAST SEEN +TYPE +REASON +OBJECT +MESSAGE$' || fail "get events header: $out"
echo "$out" | grep -Eq ' Normal +ScalingReplicaSet +deployment/web +Scaled up replica set web-[a-z0-9]+ to 2$' ||
  fail "get events has no ScalingReplicaSet: $out"
pod=$(k get pods --no-headers -o custom-columns=NAME:.metadata.name | head -1)
out=""
for _ in $(seq 50); do
  out=$(k describe pod "$pod" 2>&1)
  echo "$out" | grep -Eq '^  Warning +FailedScheduling +[0-9a-z()\ ]+ +default-scheduler +no nodes available to schedule pods$' && break
  sleep 0.1
done
echo "$out" | grep -Eq '^  Warning +FailedScheduling +[0-9a-z()\ ]+ +default-scheduler +no nodes available to schedule pods$' ||
  fail "describe pod shows no FailedScheduling event: $out"

# A watch stream: kubectl get -w prints the list, then the change kubectl scale makes, as it happens.
k get deploy -w >"$dir/watch.out" 2>&1 &
watcher=$!
for _ in $(seq 50); do grep -q '^web ' "$dir/watch.out" && break; sleep 0.1; done
out=$(k scale deploy web --replicas=3 2>&1) || fail "kubectl scale: $out"
for _ in $(seq 50); do grep -Eq '^web +0/3 ' "$dir/watch.out" && break; sleep 0.1; done
kill "$watcher" 2>/dev/null
wait "$watcher" 2>/dev/null
grep -Eq '^web +0/3 ' "$dir/watch.out" || fail "kubectl get deploy -w printed: $(cat "$dir/watch.out")"

# No credentials: 401 as a Status; the node token buys CN=system:node:NAME.
ca="$dir/data/server/tls/server-ca.crt"
code=$(curl -s -o "$dir/anon.json" -w '%{http_code}' --cacert "$ca" "https://127.0.0.1:$port/api/v1/pods")
[ "$code" = 401 ] || fail "anonymous GET gave $code"
grep -q '"kind":"Status"' "$dir/anon.json" || fail "anonymous GET body: $(cat "$dir/anon.json")"
code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$ca" -H "Authorization: Bearer wrong" \
  -d '{"nodeName":"worker1"}' "https://127.0.0.1:$port/v1-ktwin/node-credentials")
[ "$code" = 401 ] || fail "a wrong node token gave $code"
curl -sf --cacert "$ca" -H "Authorization: Bearer $(cat "$dir/data/server/node-token")" \
  -d '{"nodeName":"worker1"}' "https://127.0.0.1:$port/v1-ktwin/node-credentials" >"$dir/creds.json" ||
  fail "the node token was refused"
python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["clientCertificate"], end="")' "$dir/creds.json" >"$dir/node.crt"
openssl x509 -in "$dir/node.crt" -noout -subject | grep -q 'O = system:nodes, CN = system:node:worker1' ||
  fail "node certificate subject: $(openssl x509 -in "$dir/node.crt" -noout -subject)"

# SIGTERM stops the server cleanly.
kill -TERM "$pid"
wait "$pid"
rc=$?
pid=
[ "$rc" = 0 ] || fail "the server exited with $rc after SIGTERM"
grep -q "SIGTERM, stopping" "$dir/server.log" || fail "no stop message"
echo "PASS"
