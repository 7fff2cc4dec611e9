description="flush, FUA, discard, write-zeroes pass through; backing I/O errors reach the caller"
groups="basic quick"
requires="dmsetup"

run_test() {
	ok alpha 'modprobe tandem && tandemctl create-md r0 --disk /dev/vda --force >/dev/null && tandemctl attach r0 --minor 0 --disk /dev/vda && tandemctl primary r0 --force'

	step "the queue advertises what the backing disk supports"
	ok alpha 'cat /sys/block/tandem0/queue/write_cache /sys/block/tandem0/queue/fua \
		/sys/block/tandem0/queue/discard_max_bytes /sys/block/vda/queue/discard_max_bytes \
		/sys/block/tandem0/queue/logical_block_size /sys/block/vda/queue/logical_block_size'
	mapfile -t q <<<"$OUT"
	expect_eq "${q[0]}" "write back" "write_cache"
	expect_eq "${q[1]}" 1 "fua"
	# Discards are split to 128 MiB (a DATA packet, the activity log).
	expect_eq "${q[2]}" "$(( q[3] < 134217728 ? q[3] : 134217728 ))" "discard_max_bytes vs backing"
	expect_eq "${q[4]}" "${q[5]}" "logical_block_size vs backing"

	step "flush and FUA writes are counted and complete"
	ok alpha 'dd if=/dev/urandom of=/dev/tandem0 bs=4k count=16 oflag=direct,sync status=none && sync /dev/tandem0 && tandemctl status r0 --json'
	grep -qE '"flushes":[1-9]' <<<"$OUT" || fail "flushes not seen" "$OUT"

	step "write-zeroes and discard"
	ok alpha 'dd if=/dev/urandom of=/dev/tandem0 bs=1M count=4 oflag=direct status=none
blkdiscard -z -o 1048576 -l 2097152 /dev/tandem0
cmp -n 2097152 -i 1048576:0 /dev/tandem0 /dev/zero && echo zeroed'
	expect_eq "$OUT" zeroed "write-zeroes range reads back as zeros"
	ok alpha 'blkdiscard -o 8388608 -l 8388608 /dev/tandem0 && tandemctl status r0 --json'
	grep -qE '"discards":[2-9]' <<<"$OUT" || fail "discard and write-zeroes should count 2+" "$OUT"
	ok alpha 'tandemctl detach r0'

	step "an I/O error on the backing disk reaches the caller"
	# 8 MiB of vdb, 8 MiB that fail every I/O, 8 MiB of vdb (for the metadata).
	ok alpha 'dmsetup create flaky --table "0 16384 linear /dev/vdb 0
16384 16384 error
32768 16384 linear /dev/vdb 32768" && dmsetup mknodes flaky &&
tandemctl create-md r0 --disk /dev/mapper/flaky --force >/dev/null && tandemctl attach r0 --minor 0 --disk /dev/mapper/flaky && tandemctl primary r0 --force'
	ok alpha 'dd if=/dev/urandom of=/dev/tandem0 bs=4k count=8 oflag=direct status=none && echo good'
	refused alpha 'dd if=/dev/tandem0 of=/dev/null bs=4k skip=2048 count=1 iflag=direct' 'Input/output error'
	refused alpha 'dd if=/dev/zero of=/dev/tandem0 bs=4k seek=3000 count=1 oflag=direct' 'Input/output error'
	ok alpha 'tandemctl status r0 --json'
	grep -qE '"errors":([2-9]|[1-9][0-9])' <<<"$OUT" || fail "both failed requests should be counted" "$OUT"
	ok alpha 'tandemctl detach r0 && dmsetup remove flaky'
}
