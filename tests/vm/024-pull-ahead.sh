description="async on a congested link: the primary pulls ahead (marks instead of queueing), then resyncs when the link catches up; while ahead, its metadata says it owes the peer a resync (resync-owed), the second time in a session too"
groups="replicate resync"
requires="tc"

run_test() {
	pair_up async
	step "a 4 MiB congestion limit, and a replication link throttled to 40 Mbit/s"
	ok alpha 'tandemctl disconnect r0'
	connect_res alpha --protocol async --congestion-limit 4 --timeout 10000
	wait_field alpha connection connected 30
	ok alpha 'modprobe sch_tbf && tc qdisc add dev eth1 root tbf rate 40mbit burst 64kb latency 2s'
	step "alpha writes 96 MiB: more than the link carries, so it pulls ahead"
	ok alpha 'dd if=/dev/urandom of=/tmp/blob bs=1M count=96 status=none &&
		dd if=/tmp/blob of=/dev/tandem0 bs=1M seek=100 oflag=direct status=none && dmesg'
	grep -q 'pulling ahead' <<<"$OUT" || fail "alpha should have pulled ahead" "$OUT"
	step "the link is freed: the backlog drains, then the marked blocks are resynced"
	ok alpha 'tc qdisc del dev eth1 root'
	ok alpha 'tandemctl wait-sync r0 --timeout 180 && dmesg | grep -E "caught up|resync done" | tail -n 2'
	grep -q 'caught up' <<<"$OUT" || fail "alpha should catch up by resync" "$(on alpha 'dmesg | tail')"
	expect_eq "$(field alpha connection)" connected "alpha after the catch-up"
	wait_drained
	same_data "after pulling ahead and catching up"
	owed_on_disk no

	step "the link congested again in the same session: alpha pulls ahead again, and says so on disk again"
	ok alpha 'tc qdisc add dev eth1 root tbf rate 40mbit burst 64kb latency 2s'
	ok alpha 'dd if=/tmp/blob of=/dev/tandem0 bs=1M seek=300 oflag=direct status=none && dmesg'
	[ "$(grep -c 'pulling ahead' <<<"$OUT")" -ge 2 ] || fail "alpha should have pulled ahead a second time" "$OUT"
	owed_on_disk yes
	ok alpha 'tc qdisc del dev eth1 root'
	ok alpha 'tandemctl wait-sync r0 --timeout 180'
	wait_drained
	same_data "after pulling ahead a second time"
	owed_on_disk no
}

# owed_on_disk yes|no: alpha's superblock has (within 10 s), or has not, the
# resync-owed flag: blocks only marked while ahead are owed to the peer even
# if alpha stops as a secondary before the link catches up.
owed_on_disk() {
	if [ "$1" == yes ]; then
		ok alpha 'for i in $(seq 40); do tandemctl dump-md r0 --disk /dev/vda | grep -q "flags.*resync-owed" && exit 0
			sleep 0.25; done; tandemctl dump-md r0 --disk /dev/vda; exit 1'
	else
		ok alpha 'tandemctl dump-md r0 --disk /dev/vda'
		grep -q "flags.*resync-owed" <<<"$OUT" && fail "alpha's metadata still owes a resync after it" "$OUT"
	fi
	step "resync-owed on alpha's disk: $1"
}
