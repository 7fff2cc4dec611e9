#!/bin/bash
# Runs inside a test VM (its root: the host's, read-only, plus a tmpfs
# overlay). Executes every /run/ctl/<id>.cmd it finds, in the background, and
# leaves <id>.out (stdout+stderr) and then <id>.rc (exit code) next to it.
name=$1 id=$2
CTL=/run/ctl
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C.UTF-8
hostname "$name"
echo "$name" > /etc/hostname
mkdir -p /run/lock /var/tmp
# kmemleak's scan and report (debug kernel), and whatever else a test reads there.
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
modprobe -a virtio_net virtio_blk virtio_console
# No udev here: the links it would make that tests rely on.
ln -sf /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr
ip link set lo up
ip addr add "10.0.0.$id/24" dev eth0 && ip link set eth0 up
ip addr add "10.99.0.$id/24" dev eth1 && ip link set eth1 mtu 9000 up
echo 0 > /proc/sys/kernel/panic_on_oops
dmesg -n 5

# Process creation is slow under TCG (~0.15 s each), so the loop forks once
# per command and never execs, and each command is sourced in a subshell.
# The host writes a byte to the virtio port "tdm.kick" after each command
# file; the loop sleeps reading it, and looks at the directory when a byte
# comes or a second has passed (listing the 9p directory costs both sides
# CPU: polled every 50 ms, it took a quarter of a host core per idle VM).
# <id>.rc is written in one write after <id>.out is complete; the host
# waits for it to be non-empty.
for p in /sys/class/virtio-ports/*; do
	[ "$(cat "$p/name")" == tdm.kick ] && exec 9< "/dev/${p##*/}"
done
[ -e /proc/self/fd/9 ] || { echo "agent: no virtio port tdm.kick" >&2; exit 1; }
declare -A seen
touch "$CTL/ready"
while :; do
	for f in "$CTL"/*.cmd; do
		[ -e "$f" ] || continue
		[ -n "${seen[$f]:-}" ] && continue
		seen[$f]=1
		base=${f%.cmd}
		(
			(. "$f") > "$base.out" 2>&1 < /dev/null
			echo $? > "$base.rc"
		) &
	done
	read -r -N 1 -t 1 -u 9 _
done
