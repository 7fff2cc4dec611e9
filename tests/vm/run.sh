#!/usr/bin/env bash
# Run the VM tests: boot alpha and beta once, run the selected tests/vm/NNN-*.sh
# one after the other, resetting both VMs after each.
#   run.sh [-g GROUP[,GROUP...]] [FILTER...]
# FILTER: tests whose name contains it; several: in the order given (a test
# once, at its first match). GROUP: tests in any of these groups
# (basic, replicate, resync, fault, ha; quick: a short set for a fast loop).
# Each test declares description, groups and requires (commands it runs; the
# VMs run the host's binaries): one missing on the host makes it "not run".
# Before a test, a marker "tandem-test: NAME begin" goes into both kernel
# logs. A test fails on a failed check, or on a KLOG_BAD line (lib.sh) in
# either kernel log from its marker on, its reset included: on the debug
# kernel that is where lockdep, KASAN and kmemleak (scanned after rmmod) report.
set -uo pipefail
TDM_TOP=$(cd "$(dirname "$0")/../.." && pwd)
TDM_BUILD=${TDM_BUILD:-$TDM_TOP/build}
export TDM_TOP TDM_BUILD
. "$TDM_TOP/tests/vm/lib.sh"
. "$TDM_TOP/scripts/vm/common.sh"
export TDM_KERNEL

want_groups=
while getopts g: o; do
	case $o in
	g) want_groups+=" ${OPTARG//,/ }" ;;
	*) echo "usage: $0 [-g GROUP[,GROUP...]] [FILTER...]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
filters=("${@:-}")
LOGDIR=$TDM_BUILD/test-logs
mkdir -p "$LOGDIR"

# Undo whatever a test left: corosync and Pacemaker (killed, with their
# configuration: they would fence and hand over; the host's fencer is
# stopped first), Heartbeat (killed: it would hand over) and the
# address it took, keepalived, its outdate listener, MariaDB, socat,
# mounts, resources, the module, dm and loop devices, a qdisc, blackhole
# routes (a link cut), scsi_debug, sysctls a test saved in
# /run/tandem-test/sysctl.restore. Where kmemleak runs (the debug
# kernel), it scans with tandem still loaded (the report names its
# functions) and again after rmmod; an object is reported only once it is
# 5 s old, hence the wait.
reset_vm() {
	on "$1" 'pkill -9 -x corosync; pkill -9 -f "^/usr/lib/pacemaker/|^pacemakerd"; rm -rf /var/lib/pacemaker/cib/* /var/lib/pacemaker/pengine/*
pkill -9 -x heartbeat; ip addr del 10.0.0.100/24 dev eth0; pkill -x keepalived; pkill -f "tandemctl fence-listen"; pkill -x mariadbd; pkill -x socat
for i in $(seq 100); do pidof keepalived mariadbd >/dev/null || break; sleep 0.1; done; pkill -9 -x mariadbd
for m in $(awk "\$2 ~ \"^/mnt/|^/var/lib/mysql\" {print \$2}" /proc/mounts); do umount -l "$m"; done
fuser -k /dev/tandem* 2>/dev/null; pkill -f "tandemctl events"; pkill -x syslogd; rm -f /run/syslog; sleep 0.2
leaks=/sys/kernel/debug/kmemleak
for d in $(dmsetup ls 2>/dev/null | cut -f1); do dmsetup resume "$d"; done 2>/dev/null
if [ -d /sys/module/tandem ]; then
	for r in $(tandemctl status --json | grep -o "\"name\":\"[^\"]*\"" | cut -d\" -f4); do
		tandemctl detach "$r" || true
	done
	if [ -w $leaks ]; then sleep 5; echo scan > $leaks; fi
	rmmod tandem
fi
dmsetup remove_all 2>/dev/null
losetup -D 2>/dev/null
tc qdisc del dev eth1 root 2>/dev/null
ip route flush type blackhole 2>/dev/null
rmmod scsi_debug 2>/dev/null
if [ -f /run/tandem-test/sysctl.restore ]; then sysctl -q -p /run/tandem-test/sysctl.restore; rm /run/tandem-test/sysctl.restore; fi
if [ -w $leaks ]; then echo scan > $leaks; fi' >/dev/null 2>&1
}

# Both VMs reset at once (the leak scans' waits overlap).
reset_pair() {
	fencer_stop
	reset_vm alpha &
	reset_vm beta
	wait
}

# A fresh pair: reset, and what kmemleak finds in the kernel's own boot is
# reported now, before any marker, and never again.
fresh_pair() {
	reset_pair
	on alpha 'dmesg -C' >/dev/null 2>&1
	on beta 'dmesg -C' >/dev/null 2>&1
}

# mark NAME: the marker in both kernel logs (which start empty).
mark() {
	local vm
	for vm in alpha beta; do
		on "$vm" "dmesg -C; echo 'tandem-test: $1 begin' > /dev/kmsg" >/dev/null 2>&1
	done
}

# since_marker NAME: stdin from the marker of NAME on (all of it if the
# marker is gone: a long log wrapped).
since_marker() {
	awk -v m="tandem-test: $1 begin" '{ l[NR] = $0 } index($0, m) { s = NR }
		END { for (i = (s ? s : 1); i <= NR; i++) print l[i] }'
}

# header TEST VAR: a variable the test's header sets (empty if none).
header() {
	(
		groups= requires=
		. "$1"
		echo "${!2}"
	)
}

# missing_reqs TEST: the test's required commands not found on this host.
missing_reqs() {
	local r out=()
	for r in $(header "$1" requires); do
		PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin command -v "$r" >/dev/null || out+=("$r")
	done
	echo "${out[*]}"
}

# in_groups TEST: the test is in one of $want_groups.
in_groups() {
	local g mine
	[ -n "$want_groups" ] || return 0
	mine=" $(header "$1" groups) "
	for g in $want_groups; do
		[[ $mine == *" $g "* ]] && return 0
	done
	return 1
}

tests=()
for filter in "${filters[@]}"; do
	for t in "$TDM_TOP"/tests/vm/[0-9][0-9][0-9]-*.sh; do
		[[ $(basename "$t") == *"$filter"* && " ${tests[*]} " != *" $t "* ]] &&
			in_groups "$t" && tests+=("$t")
	done
done
[ ${#tests[@]} -gt 0 ] || { echo "no VM test matches '${filters[*]}'${want_groups:+ in groups $want_groups}"; exit 2; }

"$PAIR" start || { echo "VM boot failed"; exit 1; }
fresh_pair
pass=0 notrun=0 failed=()
t_all=$SECONDS
for t in "${tests[@]}"; do
	name=$(basename "$t" .sh)
	log=$LOGDIR/$name.log
	missing=$(missing_reqs "$t")
	if [ -n "$missing" ]; then
		notrun=$((notrun + 1))
		printf 'SKIP  %-28s not run: %s not found on this host\n' "$name" "$missing"
		echo "not run: $missing not found on this host" > "$log"
		continue
	fi
	mark "$name"
	t0=$SECONDS
	(
		. "$t"
		echo "== $name: $description"
		set -e
		run_test
	) > "$log" 2>&1
	rc=$?
	# A test that paused a VM (052) and failed meanwhile: let it run.
	for vm in alpha beta; do
		kill -CONT "$(cat "$TDM_BUILD/vm/$vm/qemu.pid" 2>/dev/null)" 2>/dev/null || true
	done
	reset_pair
	for vm in alpha beta; do
		if ! "$PAIR" run "$vm" true >/dev/null 2>&1; then
			echo "$vm is down after the test; rebooting the pair" >> "$log"
			since_marker "$name" < "$TDM_BUILD/vm/$vm/console.log" > "$LOGDIR/$name.$vm.klog"
		else
			klog "$vm" | since_marker "$name" > "$LOGDIR/$name.$vm.klog"
		fi
		bad=$(grep -aE "$KLOG_BAD" "$LOGDIR/$name.$vm.klog")
		if [ -n "$bad" ]; then
			rc=1
			{
				echo "FAIL: kernel log of $vm has:"
				echo "$bad" | head -n 20
				echo "---- kernel log of $vm from the marker (all of it: $LOGDIR/$name.$vm.klog) ----"
				# The marker, then the first report with what led to it.
				head -n 1 "$LOGDIR/$name.$vm.klog"
				first=$(grep -naE "$KLOG_BAD" "$LOGDIR/$name.$vm.klog" | head -n1 | cut -d: -f1)
				sed -n "$((first > 20 ? first - 20 : 2)),$((first + 100))p" "$LOGDIR/$name.$vm.klog"
			} >> "$log"
		fi
	done
	if [ $rc -eq 0 ]; then
		pass=$((pass + 1))
		printf 'PASS  %-28s %4ds\n' "$name" $((SECONDS - t0))
	else
		failed+=("$name")
		printf 'FAIL  %-28s %4ds\n' "$name" $((SECONDS - t0))
		sed 's/^/    /' "$log"
	fi
	if ! "$PAIR" run alpha true >/dev/null 2>&1 || ! "$PAIR" run beta true >/dev/null 2>&1; then
		"$PAIR" start || { echo "VM reboot failed"; break; }
		fresh_pair
	fi
done
"$PAIR" stop
echo "VM tests ($TDM_KERNEL kernel): ${pass} passed, ${#failed[@]} failed, $notrun not run (${#tests[@]} selected, $((SECONDS - t_all)) s)${failed:+: ${failed[*]}}"
[ ${#failed[@]} -eq 0 ]
