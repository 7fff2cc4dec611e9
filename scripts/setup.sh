#!/usr/bin/env bash
# Install everything tandem needs to build, test and demo on Debian 12;
# "setup.sh bench" adds what make bench needs (DRBD's tools, matplotlib),
# "setup.sh experiment" what make experiment needs (nginx, PHP, httperf),
# "setup.sh debug-kernel" what make debug-kernel needs (the kernel's source
# and its build tools).
# Idempotent: when every package is present it returns in well under a second.
set -euo pipefail

PKGS=(
	build-essential pkg-config git
	libnl-3-dev libnl-genl-3-dev libblkid-dev
	linux-image-amd64 linux-headers-amd64 kmod
	qemu-system-x86 busybox-static cpio
	fio iperf3 e2fsprogs iproute2 util-linux dmsetup psmisc
	sparse clang libclang-rt-14-dev python3 groff-base
	libxml2-utils resource-agents
	mariadb-server mariadb-client keepalived bc lvm2 socat heartbeat
	pacemaker corosync crmsh
)
case ${1:-} in
bench) PKGS+=(drbd-utils python3-matplotlib wireguard-tools) ;;
experiment) PKGS+=(nginx-light php-fpm php-mysql httperf python3-matplotlib) ;;
debug-kernel) PKGS+=(linux-source-6.1 flex bison libelf-dev libssl-dev xz-utils rsync) ;;
esac

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
# MariaDB, keepalived and Heartbeat are for the VMs (which run the host's binaries): keep
# their packages from starting them on this machine, unless a policy is in place already.
policy=
if [ ! -e /usr/sbin/policy-rc.d ]; then
	policy=/usr/sbin/policy-rc.d
	printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
	$SUDO chmod 755 "$policy"
fi
rc=0
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || rc=$?
[ -z "$policy" ] || $SUDO rm -f "$policy"
[ $rc -eq 0 ] || exit $rc
echo "setup: done"
