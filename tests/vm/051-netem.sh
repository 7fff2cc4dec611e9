description="the replication link degraded with netem in both directions, from mild to a link that loses most packets (delay with jitter, loss, duplication with reordering), in sync and in async mode, each while fio writes and verifies on the primary: the pair stays connected or connects again by itself, resyncs, and the disks end identical; prints per impairment the write latency p50/p99, sessions lost, time to reconnect and MiB resynced"
groups="fault replicate"
requires="fio tc python3"

# Mild to severe, each "SECONDS netem-arguments": the mild ones last long
# enough for fio's latencies, the severe ones for sessions to be lost and
# made again. Jitter reorders; netem's reorder needs a delay.
CASES=(
	"5 delay 20ms 10ms"
	"5 loss 3%"
	"5 delay 5ms duplicate 10% reorder 25% 50%"
	"8 loss 30%"
	"8 delay 150ms 50ms loss 10%"
	"8 loss 90%"
)

# netem ARGS...: the replication link of both VMs impaired so (none: not).
netem() {
	local vm
	for vm in alpha beta; do
		if [ "$1" == none ]; then
			ok $vm 'tc qdisc del dev eth1 root'
		else
			ok $vm "tc qdisc replace dev eth1 root netem $*"
		fi
	done
}

run_test() {
	local proto c secs
	for proto in sync async; do
		if [ $proto == async ]; then
			ok alpha 'tandemctl secondary r0 && tandemctl detach r0'
			ok beta 'tandemctl detach r0'
		fi
		pair_up $proto
		for c in "${CASES[@]}"; do
			secs=${c%% *} c=${c#* }
			impair_begin "$secs"
			netem "$c"
			sleep "$secs"
			netem none
			impair_end "$proto, $c"
		done
		wait_drained
		same_data "$proto, after the impairments"
	done
	impair_table
}
