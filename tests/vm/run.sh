#!/usr/bin/env bash
# Run the VM tests: boot alpha and beta once, run every tests/vm/NNN-*.sh (or
# those whose name contains $1) one after the other, resetting both VMs in
# between. A test fails on a failed check or on any BUG/WARNING/Oops/hung-task
# line in either kernel log.
set -uo pipefail
TDM_TOP=$(cd "$(dirname "$0")/../.." && pwd)
TDM_BUILD=${TDM_BUILD:-$TDM_TOP/build}
export TDM_TOP TDM_BUILD
. "$TDM_TOP/tests/vm/lib.sh"

filter=${1:-}
LOGDIR=$TDM_BUILD/test-logs
mkdir -p "$LOGDIR"

# Undo whatever a test left: keepalived, MariaDB, mounts, resources, the module, dm devices.
reset_vm() {
	on "$1" 'pkill -x keepalived; pkill -x mariadbd
for i in $(seq 100); do pidof keepalived mariadbd >/dev/null || break; sleep 0.1; done; pkill -9 -x mariadbd
for m in $(awk "\$2 ~ \"^/mnt/|^/var/lib/mysql\" {print \$2}" /proc/mounts); do umount -l "$m"; done
fuser -k /dev/tandem* 2>/dev/null; pkill -f "tandemctl events"; sleep 0.2
if [ -d /sys/module/tandem ]; then
	for r in $(tandemctl status --json | grep -o "\"name\":\"[^\"]*\"" | cut -d\" -f4); do
		tandemctl detach "$r" || true
	done
	rmmod tandem
fi
dmsetup remove_all 2>/dev/null
tc qdisc del dev eth1 root 2>/dev/null
rmmod scsi_debug 2>/dev/null
dmesg -C' >/dev/null 2>&1
}

tests=()
for t in "$TDM_TOP"/tests/vm/[0-9][0-9][0-9]-*.sh; do
	[[ $(basename "$t") == *"$filter"* ]] && tests+=("$t")
done
[ ${#tests[@]} -gt 0 ] || { echo "no VM test matches '$filter'"; exit 2; }

"$PAIR" start || { echo "VM boot failed"; exit 1; }
pass=0 failed=()
t_all=$SECONDS
for t in "${tests[@]}"; do
	name=$(basename "$t" .sh)
	log=$LOGDIR/$name.log
	reset_vm alpha
	reset_vm beta
	t0=$SECONDS
	(
		. "$t"
		echo "== $name: $description"
		set -e
		run_test
	) > "$log" 2>&1
	rc=$?
	for vm in alpha beta; do
		if ! "$PAIR" run "$vm" true >/dev/null 2>&1; then
			echo "$vm is down after the test; rebooting the pair" >> "$log"
			bad=$(grep -aE "$KLOG_BAD" "$TDM_BUILD/vm/$vm/console.log")
		else
			bad=$(klog_bad "$vm")
		fi
		if [ -n "$bad" ]; then
			rc=1
			{ echo "FAIL: kernel log of $vm has:"; echo "$bad"; dump_logs; } >> "$log"
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
	fi
done
"$PAIR" stop
echo "VM tests: ${pass} passed, ${#failed[@]} failed (${#tests[@]} run, $((SECONDS - t_all)) s)${failed:+: ${failed[*]}}"
[ ${#failed[@]} -eq 0 ]
