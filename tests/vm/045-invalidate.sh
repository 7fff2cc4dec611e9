description="invalidate and invalidate-remote: a secondary whose disk was changed behind tandem's back takes every block from the primary, and the primary resyncs every block to a suspect secondary while it writes; the disks end identical and verify finds nothing; each refusal says why"
groups="resync"
requires="dmsetup fio"

# 128 MiB of /dev/vda as r0's disk ("small"), and "raw", the same sectors
# through a second dm device, to change the data behind tandem's back.
SECTORS=262144

# scribble VM: 8 MiB of garbage in the data area, tandem not knowing.
scribble() {
	ok "$1" 'dd if=/dev/urandom of=/dev/mapper/raw bs=1M count=8 seek=16 oflag=direct status=none'
}

run_test() {
	local vm
	for vm in alpha beta; do
		ok "$vm" "dmsetup create small --table '0 $SECTORS linear /dev/vda 0' &&
			dmsetup create raw --table '0 $SECTORS linear /dev/vda 0' && dmsetup mknodes"
	done
	pair_up sync /dev/mapper/small
	ok alpha 'dd if=/dev/urandom of=/dev/tandem0 bs=1M count=32 oflag=direct status=none'
	wait_drained

	step "refusals: each says why, and nothing starts"
	refused alpha 'tandemctl invalidate r0' 'a primary cannot take the peer'
	refused beta 'tandemctl invalidate-remote r0' 'the peer is primary'
	expect_eq "$(field beta disk_state)" uptodate "beta after the refusals"

	step "beta's disk is changed behind tandem's back; invalidate on beta takes every block from alpha"
	scribble beta
	ok beta 'tandemctl invalidate r0'
	ok beta 'tandemctl wait-sync r0 --timeout 120'
	n=$(synced_mib alpha)
	[ "$n" -ge 127 ] || fail "invalidate should resync the whole device (127 MiB), copied '$n' MiB"
	same_data "after invalidate"

	step "beta's disk is changed again; invalidate-remote on alpha while alpha writes"
	scribble beta
	ok alpha '(nohup fio --name=w --filename=/dev/tandem0 --direct=1 --ioengine=libaio --rw=randwrite \
		--bs=4k --iodepth=8 --size=100m --time_based --runtime=6 > /dev/null 2>&1 &) ; sleep 1 &&
		tandemctl invalidate-remote r0'
	ok alpha 'while pgrep -x fio >/dev/null; do sleep 0.5; done; tandemctl wait-sync r0 --timeout 120'
	wait_drained
	ok alpha 'dmesg | grep -c "invalidated: resyncing every block to the peer"'
	expect_eq "$OUT" 2 "alpha's full resyncs (invalidate, invalidate-remote)"
	n=$(synced_mib alpha)
	[ "$n" -ge 127 ] || fail "invalidate-remote should resync the whole device (127 MiB), copied '$n' MiB"
	same_data "after invalidate-remote under writes"

	step "verify finds no block that differs"
	ok alpha 'tandemctl verify r0'
	wait_field alpha verify done 120
	expect_eq "$(field alpha verify_diff)" 0 "bytes verify found different"
}
