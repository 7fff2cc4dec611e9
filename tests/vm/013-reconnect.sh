description="a cut link is detected within the timeout, the primary goes on alone, and the pair reconnects"
groups="replicate fault"
requires=""

run_test() {
	pair_up sync
	step "cut the replication link on alpha"
	ok alpha 'ip link set eth1 down'
	t0=$SECONDS
	ok alpha 'start=$(date +%s%N); dd if=/dev/urandom of=/dev/tandem0 bs=64k count=16 oflag=direct status=none; echo $(( ($(date +%s%N) - start) / 1000000 ))'
	ms=$OUT
	step "a sync write issued after the cut completed in ${ms} ms"
	[ "$ms" -lt 8000 ] || fail "a write took ${ms} ms with the peer gone"
	wait_field alpha connection connecting 10
	elapsed=$((SECONDS - t0))
	step "alpha noticed in about ${elapsed}s: $(field alpha connection)"
	expect_eq "$(field alpha peer_disk_state)" outdated "the peer's data, seen from alpha"
	ok alpha 'dd if=/dev/urandom of=/dev/tandem0 bs=4k count=100 seek=1000 oflag=direct status=none && echo alone'

	step "restore the link: they reconnect by themselves"
	ok alpha 'ip link set eth1 up'
	wait_field alpha connection connected 30
	wait_field beta connection connected 10
	step "beta missed writes: the resync copies them, and the disks end identical"
	ok alpha 'tandemctl wait-sync r0 --timeout 60'
	ok alpha 'dd if=/dev/urandom of=/dev/tandem0 bs=4k count=10 oflag=direct status=none'
	wait_drained
	same_data "after the reconnect"
}
