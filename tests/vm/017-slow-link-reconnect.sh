description="a link with 300 ms of delay each way: after the peer hangs up, the pair reconnects (a handshake that waits longer than one 250 ms tick used to fail every time once a session had ended)"
groups="replicate fault"
requires="tc"

run_test() {
	local vm
	pair_up sync
	step "300 ms of delay each way on the replication link"
	for vm in alpha beta; do
		ok "$vm" 'modprobe sch_netem && tc qdisc add dev eth1 root netem delay 300ms'
	done
	ok alpha 'dd if=/dev/urandom of=/dev/tandem0 bs=4k count=1 seek=5 oflag=direct status=none'
	step "beta hangs up and connects again; alpha's connection stays configured"
	ok beta 'tandemctl disconnect r0'
	wait_field alpha connection connecting
	connect_res beta --protocol sync
	wait_field alpha connection connected 30
	wait_field beta connection connected 30
	step "writes replicate over the slow link"
	ok alpha 'dd if=/dev/urandom of=/tmp/blk bs=4k count=1 status=none &&
		dd if=/tmp/blk of=/dev/tandem0 bs=4k seek=9 oflag=direct status=none && md5sum < /tmp/blk'
	want=$OUT
	wait_drained
	ok beta 'dd if=/dev/vda bs=4k skip=9 count=1 iflag=direct status=none | md5sum'
	expect_eq "$OUT" "$want" "beta's copy of the block written after the reconnect"
	for vm in alpha beta; do
		ok "$vm" 'tc qdisc del dev eth1 root'
	done
}
