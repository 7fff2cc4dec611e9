description="a captured session replayed: what alpha sent beta in an authenticated session (its handshake, its promotion, a write), recorded on the way and sent again from alpha's address once beta has newer data, is refused at authentication (beta's challenge is new each time); beta's data and counters stay as they were, and the real peer then connects"
groups="fault"
requires="socat"

# beta's copy of the 64 KiB at 1 MiB.
beta_block() {
	on beta 'dd if=/dev/vda bs=64k skip=16 count=1 iflag=direct status=none | md5sum | cut -d" " -f1'
}

# write_block BYTE: alpha writes 64 KiB of BYTE at 1 MiB and waits for beta's ack.
write_block() {
	ok alpha "head -c 65536 /dev/zero | tr '\\0' '\\$1' > /tmp/blk$1 &&
		dd if=/tmp/blk$1 of=/dev/tandem0 bs=64k seek=16 oflag=direct conv=fsync status=none"
	wait_drained
	expect_eq "$(beta_block)" "$(on alpha "md5sum < /tmp/blk$1 | cut -d' ' -f1")" "beta's copy of the 0$1 block"
}

run_test() {
	local vm sectors received pid
	for vm in alpha beta; do
		ok "$vm" 'umask 077; printf "s3cret-one\n" > /tmp/s1; modprobe tandem && blkdiscard -f /dev/vda &&
			tandemctl create-md r0 --disk /dev/vda --force >/dev/null && tandemctl attach r0 --minor 0 --disk /dev/vda'
	done
	step "a session from alpha to beta through a relay on alpha that records what alpha sends"
	ok alpha 'rm -f /tmp/fakepeer.capture'
	on alpha "exec socat -r /tmp/fakepeer.capture TCP-LISTEN:7790,bind=$REP_IP_alpha,reuseaddr \
		TCP:$REP_IP_beta:7789,bind=$REP_IP_alpha" > "$TDM_BUILD/socat.out" 2>&1 &
	pid=$!
	ok alpha "for i in \$(seq 50); do ss -Hltn | grep -q ':7790 ' && exit 0; sleep 0.2; done; exit 1"
	connect_res beta --protocol sync --secret-file /tmp/s1 --assume-clean
	ok alpha "tandemctl connect r0 --local $REP_IP_alpha:7789 --peer $REP_IP_alpha:7790 --protocol sync --secret-file /tmp/s1"
	wait_field alpha connection connected
	wait_field beta authentication hmac-sha256
	ok alpha 'tandemctl primary r0 --force'
	write_block 21
	ok alpha 'tandemctl secondary r0 && tandemctl disconnect r0'
	wait $pid
	ok alpha 'stat -c %s /tmp/fakepeer.capture'
	step "recorded $OUT bytes of alpha's session"
	[ "$OUT" -gt 65536 ] || fail "the capture holds $OUT bytes, less than the write it carried"

	step "alpha connects directly and overwrites the block"
	connect_res alpha --protocol sync --secret-file /tmp/s1
	wait_field alpha connection connected
	ok alpha 'tandemctl primary r0'
	write_block 42
	ok alpha 'tandemctl secondary r0 && tandemctl disconnect r0'
	wait_field beta connection connecting
	received=$(field beta received)

	step "the capture sent to beta again, from alpha's address"
	sectors=$(on beta 'cat /sys/block/tandem0/size')
	ok beta 'dmesg -C'
	ok alpha "tests/vm/helpers/fakepeer $REP_IP_alpha $REP_IP_beta 7789 r0 $sectors replay"
	expect_eq "$OUT" "hung up" "after the replay"
	ok beta 'dmesg'
	grep -q 'authentication failed' <<<"$OUT" || fail "beta should refuse the replay at authentication" "$OUT"
	grep -q 'connected to' <<<"$OUT" && fail "beta took the replayed session" "$OUT"
	expect_eq "$(beta_block)" "$(on alpha 'md5sum < /tmp/blk42 | cut -d" " -f1')" "beta's block after the replay"
	expect_eq "$(field beta received)" "$received" "writes beta received"
	expect_eq "$(field beta role)" secondary "beta's role"

	step "the real peer connects, and the disks are the same"
	connect_res alpha --protocol sync --secret-file /tmp/s1
	wait_field alpha connection connected
	wait_field beta disk_state uptodate
	same_data "after the replay"
}
