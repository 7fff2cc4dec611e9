# Shared settings for the VM harness. Sourced, not run.
# shellcheck shell=bash

TDM_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
TDM_BUILD=${TDM_BUILD:-$TDM_TOP/build}
TDM_VMDIR=$TDM_BUILD/vm

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
