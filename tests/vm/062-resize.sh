description="sizes: online grow 512 MiB to 1 GiB under fio with verify and an ext4 grown by resize2fs (internal metadata moved), external metadata grown in place (assume-clean, verify finds nothing), disks of 900 MiB and 1 GiB (the smaller agreed, the device grows once the small one did), a disk grown while detached; each refusal says why"
groups="resync"
requires="dmsetup fio mkfs.ext4 resize2fs"

# Each VM: "tgrow", a dm device over the start of /dev/vda, grown in place
# by reloading its table; "tmeta" (1 MiB of /dev/vdb) for external metadata.
DEV=/dev/mapper/tgrow
META=/dev/mapper/tmeta
M=/mnt/resize	# under /mnt: the harness's reset unmounts it
MIB=2048	# sectors

# grow VM SECTORS: tgrow's table now SECTORS long, while in use.
grow() {
	ok "$1" "dmsetup suspend tgrow && dmsetup reload tgrow --table '0 $2 linear /dev/vda 0' &&
		dmsetup resume tgrow && blockdev --getsz $DEV"
	expect_eq "$OUT" "$2" "$1's grown disk"
}

# fresh VM SECTORS: r0 detached, tgrow (and tmeta) new, SECTORS long, both disks zeroed.
fresh() {
	on "$1" 'tandemctl disconnect r0; tandemctl detach r0; dmsetup remove tgrow; dmsetup remove tmeta' \
		>/dev/null 2>&1 || true
	ok "$1" "modprobe tandem && blkdiscard -f /dev/vda && blkdiscard -f /dev/vdb &&
		dmsetup create tgrow --table '0 $2 linear /dev/vda 0' &&
		dmsetup create tmeta --table '0 $MIB linear /dev/vdb 0' && dmsetup mknodes"
}

# up VM [ATTACH/CREATE OPTIONS]: create-md, attach, connect (beta: its disk declared identical).
up() {
	local vm=$1
	shift
	ok "$vm" "tandemctl create-md r0 --disk $DEV $* >/dev/null && tandemctl attach r0 --minor 0 --disk $DEV $*"
	if [ "$vm" == beta ]; then connect_res beta --assume-clean; else connect_res alpha; fi
}

size_mib() { echo $(($(field "$1" size) >> 20)); }

run_test() {
	local vm fio_out fs_before n

	step "internal metadata, 512 MiB: an ext4 on alpha, primary, fio writing with verify"
	for vm in alpha beta; do
		fresh "$vm" $((512 * MIB))
		up "$vm"
	done
	wait_field alpha connection connected
	ok alpha 'tandemctl primary r0 --force'
	wait_field beta disk_state uptodate
	ok alpha "mkfs.ext4 -q /dev/tandem0 && mkdir -p $M && mount /dev/tandem0 $M && df -k --output=size $M | tail -n1"
	fs_before=$OUT
	ok alpha "(nohup sh -c 'fio --name=v --directory=$M --size=96m --rw=randwrite --bs=16k --ioengine=libaio \
		--iodepth=8 --direct=1 --verify=crc32c --verify_fatal=1 --do_verify=1 > /tmp/fio.out 2>&1; \
		echo rc=\$? >> /tmp/fio.out' > /dev/null 2>&1 &) ; sleep 3"

	step "both disks grow to 1 GiB; resize on alpha while fio writes; resize2fs grows the ext4 online"
	ok alpha 'tandemctl resize r0'
	grep -q 'r0: 511.9MiB already, the most both disks hold' <<<"$OUT" || fail "nothing grew yet" "$OUT"
	grow alpha $((1024 * MIB))
	grow beta $((1024 * MIB))
	refused beta 'tandemctl resize r0' 'the peer is primary: run resize there'
	ok alpha 'tandemctl resize r0'
	grep -q "r0: 1023.9MiB (was 511.9MiB), the new space resyncing to the peer" <<<"$OUT" ||
		fail "resize should say the new size and that it resyncs" "$OUT"
	expect_eq "$(field beta size)" "$(field alpha size)" "the device's size on both after resize"
	expect_eq "$(field alpha size)" "$(field alpha max_size)" "alpha's size: all its grown disk holds"
	for vm in alpha beta; do
		ok "$vm" 'dmesg | grep "the disk grew"'
		grep -q 'its metadata moved to the new end, it holds 1023 MiB of data now (was 511 MiB)' <<<"$OUT" ||
			fail "$vm should move its metadata to the new end" "$OUT"
	done
	ok alpha "resize2fs /dev/tandem0 >/dev/null 2>&1 && df -k --output=size $M | tail -n1"
	[ "$OUT" -gt $((fs_before * 19 / 10)) ] || fail "the ext4 should have grown online: $fs_before KiB -> $OUT KiB"
	ok alpha 'tandemctl wait-sync r0 --timeout 300'
	n=$(synced_mib alpha)
	[ "$n" -ge 511 ] || fail "the new 512 MiB should be resynced, were '$n' MiB"
	ok alpha 'for i in $(seq 600); do pgrep -x fio >/dev/null || break; sleep 0.5; done; cat /tmp/fio.out'
	fio_out=$OUT
	grep -q '^rc=0$' <<<"$fio_out" || fail "fio's writes should verify through the resize" "$fio_out"
	ok alpha "umount $M"
	wait_drained
	same_data "after the online grow"

	step "external metadata: the data disk grows, the bitmap in place; --assume-clean on zeroed space"
	for vm in alpha beta; do
		fresh "$vm" $((512 * MIB))
		up "$vm" --meta-disk $META
	done
	wait_field alpha connection connected
	ok alpha 'tandemctl primary r0 --force && dd if=/dev/urandom of=/dev/tandem0 bs=1M count=16 seek=100 oflag=direct status=none'
	wait_field beta disk_state uptodate
	expect_eq "$(size_mib alpha)" 512 "external: the whole 512 MiB data disk"
	grow alpha $((1024 * MIB))
	grow beta $((1024 * MIB))
	ok alpha 'tandemctl resize r0 --assume-clean'
	grep -q "r0: 1.0GiB (was 512.0MiB), the new space taken as equal on both nodes" <<<"$OUT" ||
		fail "resize --assume-clean should say so" "$OUT"
	expect_eq "$(size_mib beta)" 1024 "beta's device"
	ok alpha 'dmesg | grep "the disk grew"'
	grep -q 'its metadata grew in place, it holds 1024 MiB' <<<"$OUT" || fail "alpha's external bitmap should grow in place" "$OUT"
	ok alpha 'dd if=/dev/urandom of=/dev/tandem0 bs=1M count=8 seek=1000 oflag=direct status=none &&
		tandemctl verify r0 --start 512M'
	grep -q 'verify compared 512 MiB: 0 KiB differ' <<<"$OUT" || fail "the new space should be equal on both" "$OUT"
	expect_eq "$(field alpha out_of_sync)" 0 "alpha out of sync after resize --assume-clean"

	step "disks of 900 MiB and 1 GiB: the device takes the smaller"
	fresh alpha $((1024 * MIB))
	fresh beta $((900 * MIB))
	up alpha
	up beta
	wait_field alpha connection connected
	expect_eq "$(field alpha size)" "$(field beta max_size)" "the device: what beta's disk holds"
	expect_eq "$(field beta size)" "$(field beta max_size)" "beta's device"
	ok alpha 'tandemctl primary r0 --force && dd if=/dev/urandom of=/dev/tandem0 bs=1M count=32 seek=800 oflag=direct status=none'
	wait_field beta disk_state uptodate

	step "refusals, nothing changed: more than beta holds, smaller, beta grown by too little, disconnected"
	refused alpha 'tandemctl resize r0 --size 1000M' 'a disk cannot hold the size asked for'
	refused alpha 'tandemctl resize r0 --size 500M' 'smaller than the device: tandem does not shrink'
	grow beta $((900 * MIB + 8))
	refused alpha 'tandemctl resize r0' 'the metadata cannot grow on the peer'
	ok beta 'dmesg | grep "resize:" | tail -n1'
	grep -q 'grew by less than the metadata it needs' <<<"$OUT" || fail "beta should say why" "$OUT"
	expect_eq "$(size_mib alpha) $(size_mib beta)" "899 899" "the device after the refusals"
	ok beta 'tandemctl disconnect r0'
	wait_field alpha connection connecting
	refused alpha 'tandemctl resize r0' 'connect to the peer first'

	step "beta's disk grows while detached: attach says where its metadata is; --former-size takes it"
	ok beta 'tandemctl detach r0'
	grow beta $((1024 * MIB))
	ok alpha 'dd if=/dev/urandom of=/dev/tandem0 bs=1M count=8 seek=100 oflag=direct status=none'
	refused beta "tandemctl attach r0 --minor 0 --disk $DEV" \
		"no tandem metadata at the end of $DEV, but the internal metadata of a 900 MiB disk ends 900 MiB in: if the disk grew from that size, attach with --former-size 943718400"
	refused beta "tandemctl attach r0 --minor 0 --disk $DEV --former-size 1000M" 'no tandem metadata'
	ok beta "tandemctl attach r0 --minor 0 --disk $DEV --former-size 943718400"
	expect_eq "$(size_mib beta)" 899 "beta attached at its former size"
	connect_res beta
	ok alpha 'tandemctl wait-sync r0 --timeout 120'

	step "resize: beta's metadata moves to its new end, the device grows to 1 GiB on both"
	ok alpha 'tandemctl resize r0'
	expect_eq "$(size_mib alpha) $(size_mib beta)" "1023 1023" "the device once beta's disk grew"
	ok beta 'dmesg | grep "the disk grew" | tail -n1'
	grep -q 'moved to the new end, it holds 1023 MiB of data now (was 899 MiB)' <<<"$OUT" ||
		fail "beta's metadata should move" "$OUT"
	ok alpha 'tandemctl wait-sync r0 --timeout 300'
	same_data "after growing the 900 MiB disk"

	step "create-md --size: a device smaller than its disk, refused larger than the disk"
	ok beta "tandemctl disconnect r0 && tandemctl detach r0"
	refused beta "tandemctl create-md r0 --disk $DEV --force --size 2G" 'the disk holds 1023 MiB of data'
	ok beta "tandemctl create-md r0 --disk $DEV --force --size 300M >/dev/null &&
		tandemctl attach r0 --minor 0 --disk $DEV"
	expect_eq "$(size_mib beta)" 300 "beta's device, created at 300 MiB"
	expect_eq "$(($(field beta max_size) >> 20))" 1023 "what beta's disk holds"
}
