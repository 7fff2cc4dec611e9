description="async: the secondary acks a stream of writes in batches, not a packet per write, and every ack arrives"
groups="replicate"
requires="fio"

# tx_packets VM: packets VM has sent on the replication link.
tx_packets() { on "$1" 'cat /sys/class/net/eth1/statistics/tx_packets'; }

run_test() {
	local writes=400 before sent
	pair_up async
	step "alpha writes $writes blocks of 4 KiB, one at a time"
	before=$(tx_packets beta)
	ok alpha "fio --name=acks --filename=/dev/tandem0 --direct=1 --ioengine=libaio --rw=randwrite \
		--bs=4k --iodepth=1 --size=256m --number_ios=$writes --randseed=3 --output-format=terse >/dev/null"
	step "every write acked (alpha has none unacked), every write on beta"
	wait_drained
	ok beta 'tandemctl status r0 --json'
	grep -q "\"received\":$writes," <<<"$OUT" || fail "beta should have received $writes writes" "$OUT"
	sent=$(($(tx_packets beta) - before))
	step "beta sent $sent packets on the link for $writes acks"
	# An ack packet per write would be $writes; batches of acks plus TCP's own acks are far fewer.
	[ "$sent" -lt $((writes * 3 / 4)) ] ||
		fail "beta sent $sent packets for $writes async writes: acks are not batched" \
			"$(on beta 'tandemctl status r0; cat /proc/net/snmp | grep Tcp')"
}
