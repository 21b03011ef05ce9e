#!/usr/bin/env bash
# Builds an OCI image layout tarball from Debian's busybox-static: one gzip layer with /bin/busybox
# and a symlink per applet, Cmd ["sh"]. Reproducible: fixed mtimes, owners and order, gzip -n, so the
# same busybox gives the same digests. Images cannot be pulled here (realnet/README.md).
#   usage: tools/make-test-image.sh OUT.tar [NAME:TAG [SHELL_COMMAND]]   (default busybox:latest, Cmd ["sh"])
# With SHELL_COMMAND the image's Cmd is ["sh","-c",SHELL_COMMAND], so a test image can stand in for
# an application image (an httpd for lets-chat, say).
set -euo pipefail
out=${1:?usage: make-test-image.sh OUT.tar [NAME:TAG]}
ref=${2:-busybox:latest}
cmd_json='["sh"]'
if [[ -n ${3:-} ]]; then
  cmd_json=$(python3 -c 'import json,sys; print(json.dumps(["sh", "-c", sys.argv[1]]))' "$3")
fi
busybox=${BUSYBOX:-/bin/busybox}
[[ -x $busybox ]] || { echo "make-test-image: $busybox missing (apt-get install busybox-static)" >&2; exit 1; }
file -L "$busybox" 2>/dev/null | grep -q 'statically linked' || [[ -n ${BUSYBOX:-} ]] ||
  echo "make-test-image: warning: $busybox may not be static" >&2

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/rootfs
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,tmp,root,proc,sys,dev}
chmod 1777 "$root/tmp"
cp "$busybox" "$root/bin/busybox"
chmod 755 "$root/bin/busybox"
"$busybox" --list-full | while read -r applet; do
  [[ $applet == bin/busybox ]] && continue
  ln -sf /bin/busybox "$root/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$root/etc/passwd"
printf 'root:x:0:\nnobody:x:65534:\n' >"$root/etc/group"

layout=$work/layout
mkdir -p "$layout/blobs/sha256"
blob() {  # FILE -> prints "sha256:HEX SIZE", and stores the file as a blob
  local hex size
  hex=$(sha256sum "$1" | cut -d' ' -f1)
  size=$(stat -c %s "$1")
  cp "$1" "$layout/blobs/sha256/$hex"
  echo "sha256:$hex $size"
}
tar_flags=(--sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 --format=posix
           --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime)
tar -C "$root" "${tar_flags[@]}" -cf "$work/layer.tar" .
diff_id=sha256:$(sha256sum "$work/layer.tar" | cut -d' ' -f1)
gzip -n -9 <"$work/layer.tar" >"$work/layer.tar.gz"
read -r layer_digest layer_size < <(blob "$work/layer.tar.gz")

printf '{"architecture":"amd64","os":"linux","config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],"Cmd":%s,"WorkingDir":"/"},"rootfs":{"type":"layers","diff_ids":["%s"]},"history":[{"created_by":"tools/make-test-image.sh from busybox-static"}]}' \
  "$cmd_json" "$diff_id" >"$work/config.json"
read -r config_digest config_size < <(blob "$work/config.json")

printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"%s","size":%s}]}' \
  "$config_digest" "$config_size" "$layer_digest" "$layer_size" >"$work/manifest.json"
read -r manifest_digest manifest_size < <(blob "$work/manifest.json")

printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"%s"}}]}' \
  "$manifest_digest" "$manifest_size" "$ref" >"$layout/index.json"
printf '{"imageLayoutVersion":"1.0.0"}' >"$layout/oci-layout"

tar -C "$layout" "${tar_flags[@]}" -cf "$work/image.tar" oci-layout index.json blobs
mv "$work/image.tar" "$out"
echo "$out: $ref manifest $manifest_digest"
