# Helpers for VM tests. Sourced by run.sh; every test runs in its own subshell,
# so a failed check ends just that test (exit 1).
# shellcheck shell=bash

PAIR=$TDM_TOP/scripts/vm/pair.sh
KLOG_BAD='\bBUG\b|WARNING|Oops|general protection|hung task|blocked for more than|refcount_t|list_del corruption|KASAN|UBSAN'

# on VM SCRIPT: run SCRIPT (bash) in VM from the tree's root; its output and exit code.
on() {
	local vm=$1
	shift
	"$PAIR" run "$vm" "cd '$TDM_TOP' || exit 125
$*"
}

klog() { "$PAIR" run "$1" 'dmesg' 2>/dev/null || tail -n 200 "$TDM_BUILD/vm/$1/console.log"; }

# Show both kernels' logs, for a failure report.
dump_logs() {
	local vm
	for vm in alpha beta; do
		echo "---- kernel log of $vm (last 60 lines) ----"
		klog "$vm" | tail -n 60
	done
}

fail() {
	echo "FAIL: $1"
	[ -z "${2:-}" ] || printf '%s\n' "$2" | sed 's/^/    | /'
	dump_logs
	exit 1
}

step() { echo "-- $*"; }

# ok VM SCRIPT: SCRIPT must succeed; its output is left in $OUT.
ok() {
	local vm=$1 cmd=$2 rc=0
	OUT=$(on "$vm" "$cmd" 2>&1) || rc=$?
	[ $rc -eq 0 ] || fail "on $vm, exit code $rc: $cmd" "$OUT"
}

# refused VM SCRIPT REGEX: SCRIPT must fail and print something matching REGEX.
refused() {
	local vm=$1 cmd=$2 want=$3 rc=0
	OUT=$(on "$vm" "$cmd" 2>&1) || rc=$?
	[ $rc -ne 0 ] || fail "on $vm, succeeded but should have failed: $cmd" "$OUT"
	[ $rc -ne 125 ] || fail "on $vm, VM gone: $cmd" "$OUT"
	grep -qE -- "$want" <<<"$OUT" || fail "on $vm, failed without saying /$want/: $cmd" "$OUT"
	step "refused as expected: $(head -n1 <<<"$OUT")"
}

# expect_eq GOT WANT WHAT
expect_eq() {
	[ "$1" == "$2" ] || fail "$3: got '$1', expected '$2'"
}

# A snapshot of everything a refused command must leave unchanged (I/O
# counters aside: probing disks by label legitimately reads them).
state_of() {
	on "$1" 'tandemctl status --json | sed "s/,\"io\":{[^}]*}//g"; ls /dev | grep tandem; ls /sys/block; cat /proc/mounts | grep -v -e " /proc" -e " /sys" -e " /dev" || true; for d in /sys/block/*/holders; do echo "$d: $(ls "$d")"; done'
}

# Bad lines in VM's kernel log: prints them, returns 0 if there are any.
klog_bad() { klog "$1" | grep -E "$KLOG_BAD"; }
