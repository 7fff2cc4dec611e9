description="overlapping writes are applied one at a time: on the primary the later waits for the earlier, on the secondary an application write waits for a resync run"
groups="replicate resync"
requires="fio dmsetup"

# slow_writes VM MS: VM's backing disk delays every write by MS milliseconds.
slow_writes() {
	ok "$1" "t=\"0 \$(blockdev --getsz /dev/vda) delay /dev/vda 0 0 /dev/vda 0 $2\" &&
		dmsetup suspend slow && dmsetup reload slow --table \"\$t\" && dmsetup resume slow"
}

# race VM SETUP FIRST SECOND [GATE]: in VM, after SETUP, FIRST in the
# background and SECOND once GATE returns (default: 0.3 s later); T1 and T2:
# when each finished, in ms after FIRST began. The scripts may use f KEY, a
# field of r0's status.
race() {
	ok "$1" 'ms() { echo $(($(date +%s%N) / 1000000)); }
f() { tandemctl status r0 --json | grep -o "\"$1\":\"\?[^,}\"]*" | head -n1 | sed "s/.*:\"\?//"; }'"
$2
t0=\$(ms)
{ $3; echo \"1 \$((\$(ms) - t0))\"; } &
${5:-sleep 0.3}
$4; echo \"2 \$((\$(ms) - t0))\"
wait"
	T1=$(awk '$1 == 1 {print $2}' <<<"$OUT")
	T2=$(awk '$1 == 2 {print $2}' <<<"$OUT")
	[ -n "$T1" ] && [ -n "$T2" ] || fail "race on $1: no times" "$OUT"
}

run_test() {
	local vm
	for vm in alpha beta; do
		ok "$vm" 'modprobe dm-delay && dmsetup create slow --table "0 $(blockdev --getsz /dev/vda) delay /dev/vda 0 0" &&
			dmsetup mknodes slow && for x in a b r w; do dd if=/dev/urandom of=/tmp/$x bs=4k count=1 status=none; done'
	done
	pair_up sync /dev/mapper/slow
	ok alpha 'dd if=/tmp/a of=/dev/tandem0 bs=4k seek=8 oflag=direct status=none'

	step "writes take 2 s on alpha's disk; A is in flight when B, to the same block, is issued"
	slow_writes alpha 2000
	# B is issued once A is in flight, not a fixed 0.3 s after A's process
	# started (on a busy machine that process may not have written yet).
	race alpha true 'dd if=/tmp/a of=/dev/tandem0 bs=4k seek=8 oflag=direct status=none' \
		'dd if=/tmp/b of=/dev/tandem0 bs=4k seek=8 oflag=direct status=none' \
		'for i in $(seq 400); do read -r _ w < /sys/block/tandem0/inflight; [ "$w" -ge 1 ] && break; sleep 0.02; done'
	step "A completed after $T1 ms, B after $T2 ms"
	# B's write went down only once A's completed, so it took another 2 s;
	# sent down at once, it would complete 0.3 s after A. Half the delay
	# leaves room for this emulated machine's slow process starts.
	[ "$T2" -ge $((T1 + 1000)) ] || fail "B should complete a whole write delay after A" "$OUT"
	slow_writes alpha 0
	step "both copies hold B"
	wait_drained
	ok alpha 'dd if=/dev/tandem0 bs=4k skip=8 count=1 iflag=direct status=none | cmp - /tmp/b'
	ok beta "dd if=/dev/vda bs=4k skip=8 count=1 iflag=direct status=none | md5sum | cut -d' ' -f1"
	expect_eq "$OUT" "$(on alpha 'md5sum < /tmp/b | cut -d" " -f1')" "beta's copy of the block"

	step "32 overlapping writes at a time, of 4-16 KiB, on 64 KiB for 10 s"
	slow_writes alpha 2
	ok alpha 'fio --name=overlap --filename=/dev/tandem0 --direct=1 --ioengine=libaio --rw=randwrite \
		--bsrange=4k-16k --iodepth=32 --size=64k --norandommap --randrepeat=0 \
		--time_based --runtime=10 --output-format=terse >/dev/null'
	slow_writes alpha 0
	wait_drained
	same_data "after overlapping writes"

	step "apart, alpha writes block 16 (R); writes take 3 s on beta's disk; they reconnect"
	ok beta 'tandemctl disconnect r0'
	ok alpha 'tandemctl disconnect r0 && dd if=/tmp/r of=/dev/tandem0 bs=4k seek=16 oflag=direct status=none'
	expect_eq "$(field alpha out_of_sync)" 4096 "alpha's out of sync bytes"
	slow_writes beta 3000
	# Beta answers pings only between its (now slow) metadata writes.
	connect_res alpha --timeout 30000
	connect_res beta --timeout 30000
	step "the resync is sending R when the application writes W to the same block"
	race alpha 'for i in $(seq 600); do [ "$(f sync)" = source ] && break; sleep 0.05; done' \
		'for i in $(seq 600); do [ "$(f out_of_sync)" = 0 ] && break; sleep 0.05; done' \
		'dd if=/tmp/w of=/dev/tandem0 bs=4k seek=16 oflag=direct status=none'
	step "R on beta's disk after $T1 ms, W after $T2 ms"
	# Beta applies W once R is on its disk: another 3 s. Both sent down at
	# once, W would be on the disk about 0.3 s after R.
	[ "$T2" -ge $((T1 + 1500)) ] || fail "W should complete a whole write delay after R" "$OUT"
	slow_writes beta 0
	ok alpha 'tandemctl wait-sync r0 --timeout 60'
	wait_drained
	ok beta "dd if=/dev/vda bs=4k skip=16 count=1 iflag=direct status=none | md5sum | cut -d' ' -f1"
	expect_eq "$OUT" "$(on alpha 'md5sum < /tmp/w | cut -d" " -f1')" "beta's copy of block 16"
}
