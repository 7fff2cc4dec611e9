description="disks that differ in what they can do: the device stops offering write-zeroes the peer's disk lacks (zero-outs and ext4 stay replicated, none fails on the peer); different logical block sizes are refused"
groups="fault replicate"
requires="mkfs.ext4 dmsetup"

wz_bytes() { on "$1" 'cat /sys/block/tandem0/queue/write_zeroes_max_bytes'; }

run_test() {
	local vm i
	step "alpha on its virtio disk, beta on dm-delay (which cannot write zeroes)"
	ok beta 'dmsetup create nowz --table "0 $(blockdev --getsz /dev/vda) delay /dev/vda 0 0" &&
		dmsetup mknodes nowz && cat /sys/block/$(dmsetup info -c --noheadings -o blkdevname nowz)/queue/write_zeroes_max_bytes'
	expect_eq "$OUT" 0 "beta's dm-delay write_zeroes_max_bytes"
	ok alpha 'modprobe tandem && blkdiscard -f /dev/vda && tandemctl create-md r0 --disk /dev/vda >/dev/null &&
		tandemctl attach r0 --minor 0 --disk /dev/vda'
	ok beta 'modprobe tandem && blkdiscard -f /dev/vda && tandemctl create-md r0 --disk /dev/mapper/nowz >/dev/null &&
		tandemctl attach r0 --minor 0 --disk /dev/mapper/nowz'
	[ "$(wz_bytes alpha)" -gt 0 ] || fail "alpha's disk cannot write zeroes: this test needs one that can"
	connect_res alpha --protocol sync
	connect_res beta --protocol sync --assume-clean
	wait_field alpha connection connected
	ok alpha 'tandemctl primary r0 --force'
	wait_field alpha peer_disk_state uptodate
	expect_eq "$(wz_bytes alpha)" 0 "alpha's write_zeroes_max_bytes once connected"

	step "random data at 1-5 MiB, then zeroed out on alpha (blkdiscard -z)"
	ok alpha 'dd if=/dev/urandom of=/dev/tandem0 bs=1M seek=1 count=4 oflag=direct status=none &&
		blkdiscard -z -o 1M -l 4M /dev/tandem0'
	wait_drained
	ok beta 'cmp -n 4194304 <(dd if=/dev/vda bs=1M skip=1 count=4 iflag=direct status=none) /dev/zero && echo zero'
	expect_eq "$OUT" zero "beta's copy of the zeroed range"

	step "ext4 with files, then the same bytes on both disks"
	ok alpha 'mkfs.ext4 -q -F /dev/tandem0 && mkdir -p /mnt/t && mount /dev/tandem0 /mnt/t &&
		cp -a /usr/share/doc/e2fsprogs /mnt/t/ && head -c 8M /dev/urandom > /mnt/t/blob &&
		rm /mnt/t/blob && fstrim -v /mnt/t >/dev/null 2>&1; umount /mnt/t'
	wait_drained
	ok alpha 'dmesg'
	grep -q "the peer's disk cannot write zeroes" <<<"$OUT" || fail "alpha should say why it stopped offering write-zeroes" "$OUT"
	# Had a zero-out reached beta's disk, it would have failed there (and
	# the session ended to resync it).
	grep -q 'the peer failed to write' <<<"$OUT" && fail "a write failed on beta's disk" "$OUT"
	same_data "after zero-outs and ext4"
	ok alpha 'tandemctl secondary r0 && tandemctl disconnect r0 && tandemctl detach r0'
	ok beta 'tandemctl disconnect r0 && tandemctl detach r0'

	step "64 MiB each: alpha 512-byte sectors, beta a 4 KiB-sector disk (scsi_debug)"
	ok alpha 'dmsetup create small --table "0 131072 linear /dev/vda 0" && dmsetup mknodes small &&
		tandemctl create-md r0 --disk /dev/mapper/small --force >/dev/null &&
		tandemctl attach r0 --minor 0 --disk /dev/mapper/small'
	ok beta 'modprobe sd_mod && modprobe scsi_debug sector_size=4096 dev_size_mb=64 &&
		for i in $(seq 50); do d=$(ls /sys/bus/pseudo/drivers/scsi_debug/adapter*/host*/target*/*/block 2>/dev/null) && [ -n "$d" ] && break; sleep 0.1; done
		test -b /dev/$d && test "$(cat /sys/block/$d/queue/logical_block_size)" = 4096 &&
		tandemctl create-md r0 --disk /dev/$d --force >/dev/null && tandemctl attach r0 --minor 0 --disk /dev/$d'
	connect_res alpha --protocol sync
	connect_res beta --protocol sync
	for vm in alpha beta; do
		for i in $(seq 120); do
			on "$vm" 'tandemctl status r0 --json' | grep -q '"last_error":"logical block sizes differ' && break
			sleep 0.25
		done
		on "$vm" 'tandemctl status r0' | grep -q 'logical block sizes differ' ||
			fail "$vm should refuse the peer for its block size" "$(on "$vm" 'tandemctl status r0')"
	done
	expect_eq "$(field alpha connection)" connecting "alpha's connection with a 4 KiB-sector peer"
}
