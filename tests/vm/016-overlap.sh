description="the primary sends overlapping writes down one at a time: the later waits for the earlier, and both copies end with the later"

# slow_writes MS: alpha's backing disk delays every write by MS milliseconds.
slow_writes() {
	ok alpha "t=\"0 \$(blockdev --getsz /dev/vda) delay /dev/vda 0 0 /dev/vda 0 $1\" &&
		dmsetup suspend slow && dmsetup reload slow --table \"\$t\" && dmsetup resume slow"
}

run_test() {
	ok alpha 'modprobe dm-delay && dmsetup create slow --table "0 $(blockdev --getsz /dev/vda) delay /dev/vda 0 0" &&
		dmsetup mknodes slow'
	pair_up sync /dev/mapper/slow
	ok alpha 'dd if=/dev/urandom of=/tmp/a bs=4k count=1 status=none && dd if=/dev/urandom of=/tmp/b bs=4k count=1 status=none &&
		dd if=/tmp/a of=/dev/tandem0 bs=4k seek=8 oflag=direct status=none'

	step "writes take 2 s on alpha's disk; A is in flight when B, to the same block, is issued"
	slow_writes 2000
	ok alpha 'ms() { echo $(($(date +%s%N) / 1000000)); }
t0=$(ms)
{ dd if=/tmp/a of=/dev/tandem0 bs=4k seek=8 oflag=direct status=none; echo "A $(($(ms) - t0))"; } &
sleep 0.3
dd if=/tmp/b of=/dev/tandem0 bs=4k seek=8 oflag=direct status=none; echo "B $(($(ms) - t0))"
wait'
	a=$(awk '$1 == "A" {print $2}' <<<"$OUT")
	b=$(awk '$1 == "B" {print $2}' <<<"$OUT")
	step "A completed after ${a} ms, B after ${b} ms"
	# B's write went down only once A's completed, so it took another 2 s;
	# sent down at once, it would complete 0.3 s after A. Half the delay
	# leaves room for this emulated machine's slow process starts.
	[ -n "$a" ] && [ -n "$b" ] && [ "$b" -ge $((a + 1000)) ] ||
		fail "B should complete a whole write delay after A" "$OUT"
	slow_writes 0
	step "both copies hold B"
	wait_drained
	ok alpha 'dd if=/dev/tandem0 bs=4k skip=8 count=1 iflag=direct status=none | cmp - /tmp/b'
	ok beta "dd if=/dev/vda bs=4k skip=8 count=1 iflag=direct status=none | md5sum | cut -d' ' -f1"
	expect_eq "$OUT" "$(on alpha 'md5sum < /tmp/b | cut -d" " -f1')" "beta's copy of the block"

	step "32 overlapping writes at a time, of 4-16 KiB, on 64 KiB for 10 s"
	slow_writes 2
	ok alpha 'fio --name=overlap --filename=/dev/tandem0 --direct=1 --ioengine=libaio --rw=randwrite \
		--bsrange=4k-16k --iodepth=32 --size=64k --norandommap --randrepeat=0 \
		--time_based --runtime=10 --output-format=terse >/dev/null'
	wait_drained
	same_data "after overlapping writes"
}
