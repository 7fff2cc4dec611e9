# Shared settings for the VM harness. Sourced, not run.
# shellcheck shell=bash

TDM_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
TDM_BUILD=${TDM_BUILD:-$TDM_TOP/build}
TDM_VMDIR=$TDM_BUILD/vm
# Which kernel the VMs boot: stock (Debian's linux-image-amd64) or debug
# (scripts/vm/debug-kernel.sh; make check-vm KERNEL=debug).
TDM_KERNEL=${TDM_KERNEL:-stock}
# Machine-wide cache for what outlives a clone (the debug kernel).
if [ -z "${TDM_CACHE:-}" ]; then
	if mkdir -p /var/cache/tandem 2>/dev/null && [ -w /var/cache/tandem ]; then
		TDM_CACHE=/var/cache/tandem
	else
		TDM_CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/tandem
	fi
fi
# Bump when debug-kernel.sh changes how the kernel is built: a new cache key.
TDM_DEBUG_RECIPE=2

# The kernel the VMs boot: the newest Debian image that has matching headers.
# The host's own kernel (uname -r) is not used: it is not ours to load modules into.
tdm_vm_kver() {
	local k v best=
	for k in /boot/vmlinuz-*; do
		[ -e "$k" ] || continue
		v=${k#/boot/vmlinuz-}
		[ -e "/lib/modules/$v/build/Makefile" ] || continue
		best=$v
	done
	[ -n "$best" ] || { echo "no /boot/vmlinuz-* with headers; run scripts/setup.sh" >&2; return 1; }
	echo "$best"
}

# The debug kernel's cache directory: Debian's source version and a hash of
# the config fragment (and recipe), so a changed fragment is a new build.
tdm_debug_kernel_dir() {
	local v h
	v=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null) || {
		echo "linux-source-6.1 is not installed: run scripts/setup.sh debug-kernel" >&2; return 1; }
	h=$({ echo "recipe $TDM_DEBUG_RECIPE"; cat "$TDM_TOP/scripts/vm/debug.config"; } | sha256sum | cut -c1-12)
	echo "$TDM_CACHE/debug-kernel/$v-$h"
}

# tdm_vm_kernel: for $TDM_KERNEL, sets KV (its release), VMLINUZ, MODDIR (its
# /lib/modules/KV on this host) and KO (tandem.ko built for it).
tdm_vm_kernel() {
	local d
	case $TDM_KERNEL in
	stock)
		KV=$(tdm_vm_kver)
		VMLINUZ=/boot/vmlinuz-$KV
		MODDIR=/lib/modules/$KV
		KO=$TDM_TOP/kmod/tandem.ko
		;;
	debug)
		d=$(tdm_debug_kernel_dir)
		[ -e "$d/done" ] || { echo "the debug kernel is not built: run make debug-kernel" >&2; return 1; }
		KV=$(cat "$d/release")
		VMLINUZ=$d/vmlinuz
		MODDIR=$d/modules/lib/modules/$KV
		KO=$TDM_BUILD/debug-module/src/kmod/tandem.ko
		;;
	*) echo "unknown kernel '$TDM_KERNEL' (stock or debug)" >&2; return 1 ;;
	esac
}
