#!/bin/bash
# ktwin_bench_storage against etcd (realnet/storage/README.md, "Measured"): RUNS runs of N creates and
# N updates, each on a fresh one-member etcd on free loopback ports in a temporary directory, each
# line prefixed with the load average.
#   usage: bench/storage-etcd.sh build/realnet/storage/ktwin_bench_storage [N=2000] [RUNS=5]
set -u
bench=$1; n=${2:-2000}; runs=${3:-5}
for r in $(seq $runs); do
  d=$(mktemp -d /tmp/ktwin-bench-etcd-XXXXXX)
  cp=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  pp=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  etcd --data-dir $d/data --listen-client-urls http://127.0.0.1:$cp --advertise-client-urls http://127.0.0.1:$cp \
    --listen-peer-urls http://127.0.0.1:$pp --initial-advertise-peer-urls http://127.0.0.1:$pp \
    --initial-cluster default=http://127.0.0.1:$pp > $d/etcd.log 2>&1 &
  epid=$!
  for i in $(seq 100); do ETCDCTL_API=3 etcdctl --endpoints http://127.0.0.1:$cp endpoint health >/dev/null 2>&1 && break; sleep 0.1; done
  echo "load $(cut -d' ' -f1 /proc/loadavg): $($bench http://127.0.0.1:$cp $n)"
  kill $epid; wait $epid 2>/dev/null; rm -rf $d
done
