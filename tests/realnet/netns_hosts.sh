# Sourced by real-mode tests: hosts made of network namespaces joined by a bridge in the root
# namespace (realnet/README.md "Test topology"). Addresses come from 10.199.0.0/24 and exist on
# these links only; pod CIDRs are routed host-gw style between the hosts.
#
#   netns_hosts_create PREFIX HOST...   # PREFIX-HOST namespaces, HOST n gets 10.199.0.(10+n)
#   netns_hosts_destroy PREFIX HOST...
#   netns_host_ip INDEX                 # 10.199.0.(10+INDEX)
#   netns_host_exec PREFIX HOST CMD...  # CMD in the host's network namespace only

KTW_BRIDGE_IP=10.199.0.1

netns_host_ip() { echo "10.199.0.$((10 + $1))"; }

# Enters the network namespace and nothing else, as a process on a VM sees one mount namespace:
# `ip netns exec` would also give each command a mount namespace of its own with a fresh /sys, which
# hides the cgroup mounts from runc and keeps an agent's pod namespaces (/run/netns) from its containerd.
netns_host_exec() {
  local ns="$1-$2"; shift 2
  nsenter --net="/run/netns/$ns" "$@"
}

netns_hosts_create() {
  local prefix=$1; shift
  local bridge="${prefix}-br"
  ip link add "$bridge" type bridge
  ip addr add "$KTW_BRIDGE_IP/24" dev "$bridge"
  ip link set "$bridge" up
  local i=0
  for host in "$@"; do
    local ns="${prefix}-${host}" veth="${prefix}-v${i}"
    ip netns add "$ns"
    ip link add "$veth" type veth peer name eth0 netns "$ns"
    ip link set "$veth" master "$bridge" up
    ip -n "$ns" addr add "$(netns_host_ip $i)/24" dev eth0
    ip -n "$ns" link set eth0 up
    ip -n "$ns" link set lo up
    # ClusterIPs are local on every host, so the userspace proxy can bind any of them (AnyIP).
    ip -n "$ns" route add local 10.43.0.0/16 dev lo
    i=$((i + 1))
  done
}

# Each host routes the others' pod CIDRs (10.42.N.0/24 for node N, as the node IPAM allocates in
# registration order) to that host, the way k3s's flannel host-gw backend does.
netns_hosts_route_pods() {
  local prefix=$1; shift
  local hosts=("$@") i j
  for i in "${!hosts[@]}"; do
    for j in "${!hosts[@]}"; do
      [ "$i" = "$j" ] && continue
      ip -n "${prefix}-${hosts[$i]}" route add "10.42.$j.0/24" via "$(netns_host_ip "$j")" 2>/dev/null || true
    done
  done
}

netns_hosts_destroy() {
  local prefix=$1; shift
  local i=0
  for host in "$@"; do
    ip netns pids "${prefix}-${host}" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
    ip netns del "${prefix}-${host}" 2>/dev/null || true
    ip link del "${prefix}-v${i}" 2>/dev/null || true
    i=$((i + 1))
  done
  ip link del "${prefix}-br" 2>/dev/null || true
}
