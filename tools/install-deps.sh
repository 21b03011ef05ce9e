#!/usr/bin/env bash
# Installs ktwin's build dependencies from Debian 12's packages (nothing is downloaded from elsewhere).
set -euo pipefail
packages=(build-essential cmake pkg-config libyaml-cpp-dev nlohmann-json3-dev libboost-dev libboost-graph-dev
          libeigen3-dev catch2 libsimgrid-dev libjemalloc-dev
          chromium  # headless, for tests/report_render_test.sh
          # real mode (realnet/): TLS, SQLite, containerd's gRPC API, etcd, test images and hosts
          libssl-dev libsqlite3-dev libgrpc++-dev libprotobuf-dev protobuf-compiler-grpc
          golang-github-containerd-containerd-dev golang-github-gogo-protobuf-dev containerd runc
          etcd-server etcd-client busybox-static iproute2)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
