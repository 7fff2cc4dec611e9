description="a replication link of 512 kbit/s, where one 256 KiB resync run takes longer than the timeout (4 s, 3 s) to cross: the resync completes with no session lost (the target, receiving a run that long, pings; the source, its sender busy with the run, hears only that)"
groups="resync fault"
requires="tc"

run_test() {
	pair_up sync /dev/vda --timeout 3000
	step "beta disconnects; alpha writes 2 MiB alone, in 256 KiB runs"
	ok beta 'tandemctl disconnect r0'
	wait_field alpha connection connecting
	ok alpha 'dd if=/dev/urandom of=/dev/tandem0 bs=1M count=2 oflag=direct status=none'

	step "alpha's side of the link at 512 kbit/s; beta connects; the resync crosses it"
	ok alpha 'modprobe sch_netem && tc qdisc add dev eth1 root netem rate 512kbit'
	ok alpha 'dmesg -C'
	connect_res beta --timeout 3000
	ok alpha 'tandemctl wait-sync r0 --timeout 240'
	n=$(klog_count alpha 'connection to the peer lost')
	[ "$n" = 0 ] || fail "alpha lost the session $n times during the resync" "$(on alpha 'dmesg | grep tandem')"
	ok alpha 'dmesg | grep "resync done"'
	echo "   $OUT"
	ok alpha 'tc qdisc del dev eth1 root'
	wait_drained
	same_data "after the resync over the slow link"
}
