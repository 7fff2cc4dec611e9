description="a starved host at default settings, while fio writes and verifies on the sync primary: the host's cores kept busy (one, then all) and thrashed by memory-hungry processes, for 20 s each; both VMs paused together for 4 s, three times (no session may end: a node that did not run for a while does not count that time as its peer's silence); beta alone paused past the timeout (alpha drops it). After each the pair is connected (again), resynced, and the disks end identical; prints per load the write latency p50/p99, sessions lost, time to reconnect and MiB resynced"
groups="fault replicate"
requires="fio python3"

LOAD=20
CORES=$(nproc)

# pause SECONDS VM...: the VMs' qemu stopped (SIGSTOP), as a host that runs
# nothing of them does, then running again.
pause() {
	local secs=$1 vm
	shift
	for vm in "$@"; do kill -STOP "$(cat "$TDM_BUILD/vm/$vm/qemu.pid")"; done
	sleep "$secs"
	for vm in "$@"; do kill -CONT "$(cat "$TDM_BUILD/vm/$vm/qemu.pid")"; done
}

run_test() {
	local lost0 i
	pair_up sync

	impair_begin $LOAD
	"$TDM_TOP/scripts/vm/hostload.sh" cpu 1 $LOAD
	impair_end "one host core busy ${LOAD}s"
	impair_begin $LOAD
	"$TDM_TOP/scripts/vm/hostload.sh" cpu "$CORES" $LOAD
	impair_end "all $CORES host cores busy ${LOAD}s"
	impair_begin $LOAD
	"$TDM_TOP/scripts/vm/hostload.sh" mem "$CORES" $LOAD
	impair_end "$CORES memory-hungry host processes ${LOAD}s"

	lost0=$(($(klog_count alpha "$LOST_RE") + $(klog_count beta "$LOST_RE")))
	impair_begin 20
	for i in 1 2 3; do
		pause 4 alpha beta
		sleep 2
	done
	impair_end "both VMs paused 4s, 3 times"
	expect_eq $(($(klog_count alpha "$LOST_RE") + $(klog_count beta "$LOST_RE") - lost0)) 0 \
		"sessions lost while both VMs were paused (timeout 2.5 s)"

	lost0=$(klog_count alpha "$LOST_RE")
	impair_begin 15
	sleep 2
	pause 7 beta
	impair_end "beta alone paused 7s"
	[ "$(klog_count alpha "$LOST_RE")" -gt "$lost0" ] || fail "alpha did not drop beta, paused past the timeout"

	wait_drained
	same_data "after the loads"
	impair_table
}
