#!/usr/bin/env bash
# Build the VMs' initramfs: busybox, the few modules needed to mount the host's
# root over virtio-9p (none for the debug kernel, which has them built in),
# and scripts/vm/init. Rebuilt only when an input changed.
set -euo pipefail
. "$(dirname "$0")/common.sh"

tdm_vm_kernel
OUT=$TDM_VMDIR/initrd-$KV.img
INIT=$TDM_TOP/scripts/vm/init
if [ -s "$OUT" ] && [ "$OUT" -nt "$INIT" ] && [ "$OUT" -nt "$0" ]; then
	echo "$OUT"
	exit 0
fi

# Resolve dependencies from modules.dep ourselves: nothing is loaded on the host.
mod_deps() {
	local name=$1 line path deps d
	# Built into the kernel: nothing to load.
	! grep -qE "(^|/)${name}\.ko\$" "$MODDIR/modules.builtin" || return 0
	line=$(grep -E "(^|/)${name}\.ko(\.xz|\.zst)?:" "$MODDIR/modules.dep") || {
		echo "module $name not found for $KV" >&2; return 1; }
	path=${line%%:*}
	deps=${line#*:}
	for d in $deps; do
		mod_deps "$(basename "${d%%.ko*}")"
	done
	echo "$path"
}

STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT
mkdir -p "$STAGE"/{bin,dev,proc,sys,host,ovl,newroot,lib/modules}
cp /bin/busybox "$STAGE/bin/busybox"
cp "$INIT" "$STAGE/init"
chmod +x "$STAGE/init"

: > "$STAGE/modules.order"
for m in virtio_pci 9pnet_virtio 9p overlay; do
	mod_deps "$m"
done | awk '!seen[$0]++' | while read -r rel; do
	f=$(basename "$rel")
	case "$f" in
	*.xz) xz -dc "$MODDIR/$rel" > "$STAGE/lib/modules/${f%.xz}"; f=${f%.xz} ;;
	*.zst) zstd -qdc "$MODDIR/$rel" > "$STAGE/lib/modules/${f%.zst}"; f=${f%.zst} ;;
	*) cp "$MODDIR/$rel" "$STAGE/lib/modules/$f" ;;
	esac
	echo "$f" >> "$STAGE/modules.order"
done

mkdir -p "$TDM_VMDIR"
(cd "$STAGE" && find . | cpio -o -H newc --quiet | gzip -1) > "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
echo "$OUT"
