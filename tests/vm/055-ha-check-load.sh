description="keepalived's track script under load: both VMs' CPUs kept busy from inside while the service writes with fsync, the host's cores busy (then thrashed by memory-hungry processes); keepalived must report no script timeout, no FAULT, no new master (alpha keeps the address, the role and a connected standby); prints the check's run time (p50, p99, max) per load"
groups="ha fault"
requires="keepalived mkfs.ext4 fio"

LOAD=30
CORES=$(nproc)
# keepalived's complaints: a check that timed out or failed, a state change.
BAD_RE='timed out|timed_out|returned|now returning|FAULT|Entering MASTER|Entering BACKUP'

# check_times VM SECONDS: run keepalived's track script as keepalived does,
# once a second for SECONDS, in the background; their run times (ms) go to
# /tmp/check-ms.
check_times() {
	on "$1" "script=\$(sed -n 's/^[[:space:]]*script \"\\(.*\\)\"/\\1/p' /tmp/keepalived.conf)
		rm -f /tmp/check-ms
		(end=\$((SECONDS + $2)); while [ \$SECONDS -lt \$end ]; do
			t0=\${EPOCHREALTIME/./}; \$script >/dev/null 2>&1; t1=\${EPOCHREALTIME/./}
			echo \$(((t1 - t0) / 1000)) >> /tmp/check-ms; sleep 1
		done) >/dev/null 2>&1 </dev/null &"
}

# ms_summary VM: "p50 P p99 Q max M ms (N runs)" of /tmp/check-ms.
ms_summary() {
	on "$1" "sort -n /tmp/check-ms | awk '{v[NR] = \$1} END {
		if (!NR) { print \"no runs\"; exit }
		printf \"p50 %d p99 %d max %d ms (%d runs)\", v[int((NR + 1) / 2)], v[int(NR * 0.99 + 0.99)], v[NR], NR }'"
}

# busy VM SECONDS: every vCPU of VM kept busy for SECONDS.
busy() {
	on "$1" "for i in \$(seq \$(nproc)); do timeout $2 sh -c 'while :; do :; done' & done" >/dev/null
}

# loaded NAME HOSTLOAD...: LOAD seconds with the VMs busy, alpha's service
# writing with fsync and the host loaded as hostload.sh HOSTLOAD...; then
# keepalived's logs on both must show nothing of BAD_RE.
loaded() {
	local name=$1 vm log
	shift
	step "$name for ${LOAD}s"
	for vm in alpha beta; do
		on "$vm" ': > /run/syslog.mark; wc -l < /run/syslog > /run/syslog.mark'
		check_times "$vm" "$LOAD"
		busy "$vm" "$LOAD"
	done
	on alpha "timeout $LOAD fio --name=svc --directory=/mnt/svc --rw=randwrite --bs=16k --size=64m \
		--fsync=1 --time_based --runtime=$LOAD --output=/dev/null" >/dev/null &
	"$TDM_TOP/scripts/vm/hostload.sh" "$@" "$LOAD"
	wait
	sleep 2
	for vm in alpha beta; do
		echo "   $vm: check $(ms_summary "$vm")"
		log=$(on "$vm" 'tail -n +$(($(cat /run/syslog.mark) + 1)) /run/syslog |
			grep -E "Keepalived|tandem-vrrp" | grep -v "expect idle - skipping run"' || true)
		[ -z "$log" ] || sed 's/^/   /' <<<"$log"
		! grep -qE "$BAD_RE" <<<"$log" ||
			fail "$name: keepalived on $vm saw a slow check as a failed one, or changed state" "$log"
	done
	has_vip alpha || fail "$name: alpha lost the virtual IP"
	has_vip beta && fail "$name: beta took the virtual IP while alpha was alive"
	expect_eq "$(field alpha role)" primary "$name: alpha's role"
	expect_eq "$(field beta disk_state)" uptodate "$name: beta's data"
	wait_field alpha connection connected 30
}

run_test() {
	conf_pair_up
	ok alpha 'tandemctl primary r0 --force && mkfs.ext4 -q -F /dev/tandem0 && tandemctl secondary r0'
	keepalived_up alpha 100
	wait_vip alpha
	keepalived_up beta 90
	sleep 3
	has_vip beta && fail "beta should be backup"

	loaded "both VMs busy inside, one host core busy" cpu 1
	loaded "both VMs busy inside, all $CORES host cores busy" cpu "$CORES"
	loaded "both VMs busy inside, $CORES memory-hungry host processes" mem "$CORES"
}
