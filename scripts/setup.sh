#!/usr/bin/env bash
# Install everything tandem needs to build, test and demo on Debian 12;
# "setup.sh bench" adds what make bench needs (DRBD's tools, matplotlib).
# Idempotent: when every package is present it returns in well under a second.
set -euo pipefail

PKGS=(
	build-essential pkg-config git
	libnl-3-dev libnl-genl-3-dev libblkid-dev
	linux-image-amd64 linux-headers-amd64 kmod
	qemu-system-x86 busybox-static cpio
	fio iperf3 e2fsprogs iproute2 util-linux
	sparse python3 groff-base
	libxml2-utils resource-agents
)
[ "${1:-}" != bench ] || PKGS+=(drbd-utils python3-matplotlib)

missing=()
for p in "${PKGS[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
		missing+=("$p")
	fi
done

if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi

echo "setup: installing ${missing[*]}"
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup: done"
