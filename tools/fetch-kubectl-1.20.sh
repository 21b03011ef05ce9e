#!/usr/bin/env bash
# Unpacks Debian's kubectl 1.20 (package kubernetes-client, the walk-through's version) into DEST
# without installing it: it conflicts with a newer kubectl on the machine.
#   usage: tools/fetch-kubectl-1.20.sh [DEST]   (default: build/kubectl-1.20; prints the binary's path)
set -euo pipefail
dest=${1:-build/kubectl-1.20}
binary=$dest/usr/bin/kubectl
if [ ! -x "$binary" ]; then
  work=$(mktemp -d)
  chown _apt "$work" 2>/dev/null || true  # apt downloads as the _apt user when it can
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && apt-get download -qq kubernetes-client >/dev/null)
  mkdir -p "$dest"
  dpkg -x "$work"/kubernetes-client_*.deb "$dest"
fi
echo "$binary"
