description="disk-timeout: the primary's disk stops answering (dm suspended, its requests held) mid-fio: after the timeout its requests are given up on, the disk is dropped and fio completes and verifies through the peer; a read given up on and answered by the disk later (with other data) leaves the application's buffer alone; detach and re-attach are refused until the disk hands back what it held; the repaired disk is re-attached and resynced to equal; pages go back (192 MiB through the watch on a plain disk); under on-io-error pass-on a request given up on drops the disk too"
groups="fault resync"
requires="fio dmsetup"

# The dm device "disk" on each VM: the first 256 MiB of /dev/vda (a full
# resync stays short).
DISK_SECTORS=524288
LINEAR="0 $DISK_SECTORS linear /dev/vda 0"
FIO="fio --name=w --filename=/dev/tandem0 --direct=1 --ioengine=libaio --rw=randwrite --bs=4k \
	--iodepth=8 --size=16m --verify=crc32c --verify_fatal=1 --randseed=5 --output-format=terse"
# A block fio does not touch, written with 0xaa on both disks first.
BLOCK_OFF=$((200 * 1048576))

run_test() {
	local vm fio_pid avail late
	for vm in alpha beta; do
		ok "$vm" "dmsetup create disk --table '$LINEAR' && dmsetup mknodes disk"
	done
	refused alpha 'tandemctl attach r0 --minor 0 --disk /dev/mapper/disk --disk-timeout 500' \
		'disk-timeout must be 0 \(off\) or 1000 to 600000 ms'
	step "pages go back: 192 MiB through the watch on a plain virtio disk (the block layer leaves a bio it completed at size 0)"
	avail=$(on alpha "awk '/^MemAvailable:/ { print \$2 }' /proc/meminfo")
	ok alpha 'modprobe tandem && tandemctl create-md r9 --disk /dev/vdb --force >/dev/null &&
		tandemctl attach r9 --minor 9 --disk /dev/vdb --disk-timeout 2000 && tandemctl primary r9 --force &&
		for rw in write read; do fio --name=m --filename=/dev/tandem9 --direct=1 --ioengine=libaio \
			--rw=$rw --bs=128k --iodepth=8 --size=96m --output-format=terse >/dev/null || exit 1; done &&
		tandemctl secondary r9 && tandemctl detach r9'
	avail=$(($(on alpha "awk '/^MemAvailable:/ { print \$2 }' /proc/meminfo") - avail))
	step "available memory after it: $((avail / 1024)) MiB"
	[ "$avail" -gt -98304 ] || fail "192 MiB through the watch took $((-avail / 1024)) MiB for good (pages not given back)"
	ATTACH_OPTS="--disk-timeout 2000" pair_up sync /dev/mapper/disk
	expect_eq "$(field alpha disk_timeout_ms)" 2000 "alpha's disk-timeout in status --json"
	ok alpha 'tandemctl status r0'
	grep -q 'disk timeout *2000 ms' <<<"$OUT" || fail "status should show the disk-timeout" "$OUT"
	ok alpha "head -c 4096 /dev/zero | tr '\\0' '\\252' |
		dd of=/dev/tandem0 bs=4k seek=$((BLOCK_OFF / 4096)) oflag=direct status=none"

	step "through the watch, a working disk: fio with verify passes, nothing given up on"
	ok alpha "$FIO >/dev/null"
	ok alpha 'dmesg'
	grep -q 'given up on' <<<"$OUT" && fail "a working disk had a request given up on" "$OUT"

	step "2 s into fio, alpha's disk stops answering; a read of the 0xaa block is held too"
	"$PAIR" run alpha "$FIO >/dev/null 2>/tmp/fio.err; echo fio=\$?" > "$TDM_BUILD/fio.out" &
	fio_pid=$!
	sleep 2
	ok alpha 'dmsetup suspend --noflush disk'
	ok alpha "rm -f /tmp/go; setsid sh -c 'tests/vm/helpers/lateread /dev/tandem0 $BLOCK_OFF /tmp/go \
		> /tmp/lateread.out 2>&1' < /dev/null > /dev/null 2>&1 &"
	wait $fio_pid || true
	grep -q 'fio=0' "$TDM_BUILD/fio.out" ||
		fail "fio failed on alpha" "$(cat "$TDM_BUILD/fio.out"; on alpha 'cat /tmp/fio.err; dmesg | tail -n 30')"
	wait_field alpha disk_state diskless
	on alpha 'for i in $(seq 80); do grep -q "^read" /tmp/lateread.out && exit 0; sleep 0.25; done; exit 1' ||
		fail "the read of the held block did not complete" "$(on alpha 'cat /tmp/lateread.out; dmesg | tail -n 30')"
	ok alpha 'cat /tmp/lateread.out'
	grep -q '^read [0-9]* ms aa$' <<<"$OUT" || fail "the read should return beta's 0xaa" "$OUT"
	ok alpha 'dmesg'
	grep -qE 'the local disk has not completed a (read|write) at sector [0-9]+ in [0-9]+ ms: given up on \(disk-timeout 2000 ms\)' <<<"$OUT" ||
		fail "alpha should say what it gave up on" "$OUT"
	grep -q 'disk state diskless, I/O goes to the peer' <<<"$OUT" || fail "alpha should log the detach" "$OUT"
	late=$(field alpha disk_late)
	[ "${late:-0}" -ge 1 ] || fail "alpha should count the requests its disk still holds" "$(on alpha 'tandemctl status r0')"
	ok alpha 'tandemctl status r0'
	grep -q 'late requests' <<<"$OUT" || fail "status should show the late requests" "$OUT"
	ok alpha "$FIO --verify_only >/dev/null"

	step "switch-over; detach and re-attach are refused while alpha's disk holds requests"
	ok alpha 'tandemctl secondary r0'
	ok beta 'tandemctl primary r0'
	refused alpha 'tandemctl attach r0 --minor 0 --disk /dev/mapper/disk' \
		'still holds requests given up on after the disk-timeout'
	refused alpha 'tandemctl detach r0' 'still holds requests given up on after the disk-timeout'

	step "the disk answers what it held, from another table (zeroes): the reader's buffer keeps 0xaa"
	ok alpha "echo '0 $DISK_SECTORS zero' | dmsetup load disk && dmsetup resume disk"
	wait_field alpha disk_late "" 30
	ok alpha 'touch /tmp/go; for i in $(seq 40); do grep -qE "^(kept|overwritten)" /tmp/lateread.out && break; sleep 0.25; done; cat /tmp/lateread.out'
	grep -q '^kept$' <<<"$OUT" || fail "a late read wrote into the application's buffer" "$OUT"
	ok alpha 'dmesg'
	grep -q 'a request given up on after the disk-timeout came back from the disk' <<<"$OUT" ||
		fail "alpha should log the late completions" "$OUT"

	step "alpha's disk repaired (the linear table again), re-attached, resynced from beta"
	ok alpha "dmsetup suspend disk && echo '$LINEAR' | dmsetup load disk && dmsetup resume disk"
	ok alpha 'tandemctl attach r0 --minor 0 --disk /dev/mapper/disk'
	wait_field beta connection connected 30
	ok beta 'tandemctl wait-sync r0 --timeout 600'
	wait_field alpha disk_state uptodate 30
	wait_drained beta
	same_data "after alpha's re-attach"
	ok beta "$FIO --verify_only >/dev/null"
	ok alpha 'tandemctl disconnect r0 && tandemctl detach r0'
	ok beta 'tandemctl secondary r0 && tandemctl disconnect r0 && tandemctl detach r0'

	step "on-io-error pass-on: a request given up on drops the disk all the same; the write goes through beta"
	ATTACH_OPTS="--disk-timeout 2000 --on-io-error pass-on" pair_up sync /dev/mapper/disk
	ok alpha 'dmsetup suspend --noflush disk'
	ok alpha 'dd if=/dev/urandom of=/dev/tandem0 bs=4k seek=10 count=1 oflag=direct status=none'
	expect_eq "$(field alpha disk_state)" diskless "alpha's disk (pass-on, timed out)"
	ok alpha 'dmesg'
	grep -q 'disk state diskless, I/O goes to the peer' <<<"$OUT" || fail "alpha should log the detach" "$OUT"
	ok alpha 'dmsetup resume disk'
	wait_field alpha disk_late "" 30
	ok alpha 'tandemctl secondary r0 && tandemctl disconnect r0 && tandemctl detach r0'
	ok beta 'tandemctl disconnect r0 && tandemctl detach r0'
}
