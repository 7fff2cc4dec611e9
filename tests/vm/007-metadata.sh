description="create-md refuses disks holding data, dump-md reads it back, attach refuses missing or corrupt metadata"
groups="basic"
requires="mkfs.ext4"

# md_tail VM DISK: sha256 of the disk's last MiB (where the metadata goes).
md_tail() {
	on "$1" "n=\$(blockdev --getsize64 $2); dd if=$2 bs=1M skip=\$((n / 1048576 - 1)) iflag=direct status=none | sha256sum"
}

run_test() {
	ok alpha 'modprobe tandem && blkdiscard -f /dev/vda >/dev/null && mkfs.ext4 -q -F -L keepme /dev/vdb'

	step "create-md refuses a disk holding a filesystem, touching nothing"
	before=$(md_tail alpha /dev/vdb)
	refused alpha 'tandemctl create-md r0 --disk /dev/vdb' 'holds ext4 signature \(label keepme\).*--force'
	expect_eq "$(md_tail alpha /dev/vdb)" "$before" "last MiB of vdb after a refused create-md"
	refused alpha 'tandemctl create-md r0 --disk /dev/vdb; echo "exit=$?"; exit 1' 'exit=1'
	refused alpha 'tandemctl create-md r0' 'missing --disk'
	refused alpha 'tandemctl create-md r0 --disk /dev/nope' 'No such file'

	step "create-md on a blank disk; dump-md reads it back"
	ok alpha 'tandemctl create-md r0 --disk /dev/vda'
	grep -q 'metadata written to /dev/vda' <<<"$OUT" || fail "create-md output" "$OUT"
	refused alpha 'tandemctl create-md r0 --disk /dev/vda' 'holds tandem metadata'
	ok alpha 'tandemctl dump-md r0 --disk /dev/vda --json'
	md=$OUT
	for kv in '"version":1' '"flags":"none"' '"current":"0000000000000000"' '"bitmap_bits_set":0' \
		  '"bitmap_bad_blocks":0' '"disk_size":1073741824'; do
		grep -qF "$kv" <<<"$md" || fail "dump-md should show $kv" "$md"
	done
	data=$(grep -o '"data_size":[0-9]*' <<<"$md" | cut -d: -f2)

	step "attach exposes the data area; standalone writes are marked out of sync"
	ok alpha 'tandemctl attach r0 --minor 0 --disk /dev/vda && tandemctl status r0 --json'
	grep -q "\"size\":$data" <<<"$OUT" || fail "tandem0 should be data_size=$data bytes" "$OUT"
	grep -q '"disk_state":"inconsistent"' <<<"$OUT" || fail "fresh metadata: inconsistent" "$OUT"
	ok alpha 'tandemctl dump-md r0 --disk /dev/vda'
	grep -q 'flags:attached' <<<"$OUT" || fail "attached flag while attached" "$OUT"
	ok alpha 'tandemctl primary r0 --force && dd if=/dev/urandom of=/dev/tandem0 bs=4k count=10 seek=100 oflag=direct status=none &&
		dd if=/dev/urandom of=/dev/tandem0 bs=1M count=1 seek=500 oflag=direct status=none && tandemctl status r0 --json'
	grep -q '"out_of_sync":1089536' <<<"$OUT" || fail "10 x 4 KiB + 1 MiB out of sync" "$OUT"
	ok alpha 'tandemctl secondary r0 && tandemctl detach r0 && tandemctl dump-md r0 --disk /dev/vda --json'
	grep -q '"flags":"consistent"' <<<"$OUT" || fail "after a clean detach: consistent only" "$OUT"
	grep -q '"bitmap_bits_set":266' <<<"$OUT" || fail "the bitmap is persisted at detach" "$OUT"
	grep -q '"current":"0000000000000000"' <<<"$OUT" && fail "a forced primary starts a generation" "$OUT"
	step "attach again: the bitmap and the state come back"
	ok alpha 'tandemctl attach r0 --minor 0 --disk /dev/vda && tandemctl status r0 --json && tandemctl detach r0'
	grep -q '"out_of_sync":1089536' <<<"$OUT" || fail "bitmap after re-attach" "$OUT"
	grep -q '"disk_state":"consistent"' <<<"$OUT" || fail "consistent after re-attach" "$OUT"

	step "attach refuses a disk without metadata, or with corrupt metadata"
	ok alpha 'umount -l /dev/vdb 2>/dev/null; blkdiscard -f /dev/vdb >/dev/null'
	refused alpha 'tandemctl attach r1 --minor 1 --disk /dev/vdb' 'no tandem metadata on this disk \(run tandemctl create-md\)'
	# One flipped byte in the superblock (the disk's last 4 KiB).
	ok alpha 'n=$(blockdev --getsize64 /dev/vda); printf "\x5a" | dd of=/dev/vda bs=1 seek=$((n - 4096 + 200)) conv=notrunc oflag=sync status=none'
	before=$(on alpha 'dd if=/dev/vda bs=1M iflag=direct status=none | md5sum')
	refused alpha 'tandemctl attach r0 --minor 0 --disk /dev/vda' 'metadata is corrupt \(checksum mismatch\)'
	expect_eq "$(on alpha 'dd if=/dev/vda bs=1M iflag=direct status=none | md5sum')" "$before" "the disk after a refused attach"
	refused alpha 'tandemctl dump-md r0 --disk /dev/vda' 'checksum mismatch'
	# A flipped byte in the first bitmap block.
	ok alpha 'tandemctl create-md r0 --disk /dev/vda --force >/dev/null && tandemctl dump-md r0 --disk /dev/vda --json'
	bm_off=$(( $(grep -o '"data_size":[0-9]*' <<<"$OUT" | cut -d: -f2) + 100 ))
	ok alpha "printf '\x01' | dd of=/dev/vda bs=1 seek=$bm_off conv=notrunc oflag=sync status=none"
	refused alpha 'tandemctl attach r0 --minor 0 --disk /dev/vda' 'bitmap block is corrupt'
	refused alpha 'tandemctl dump-md r0 --disk /dev/vda' '1 bitmap block\(s\) corrupt'
	ok alpha 'tandemctl status'
	expect_eq "$OUT" "no resources" "nothing attached after the refusals"
}
