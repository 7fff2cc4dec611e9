description="resize cut by a power cut of the primary at each step of its metadata move (bitmap, activity log, superblock) and after the peer grew: it comes back without losing a write, at the old size or the new, and the pair ends grown and identical"
groups="fault resync"
requires="dmsetup"

# Each VM: "tgrow", a dm device over the start of /dev/vda, 64 MiB, grown
# to 128 MiB before the resize. beta is primary and resizes: the harness
# boots it again after the power cut.
DEV=/dev/mapper/tgrow
MIB=2048	# sectors
OLD=$((64 * MIB))
NEW=$((128 * MIB))

size_mib() { echo $(($(field "$1" size) >> 20)); }

# host_sum VM MIB: md5 of VM's first MIB MiB of vda, read from its image on the host.
host_sum() {
	dd if="$TDM_BUILD/vm/$1/vda.img" bs=1M count="$2" status=none | md5sum | cut -d' ' -f1
}

# crash_at STEP: a fresh pair, beta primary with data, both disks grown,
# beta's resize stopped after STEP as a power cut there would; beta's power cut.
crash_at() {
	local vm
	for vm in alpha beta; do
		on "$vm" 'tandemctl disconnect r0; tandemctl detach r0; dmsetup remove tgrow' >/dev/null 2>&1 || true
		ok "$vm" "modprobe tandem && blkdiscard -f /dev/vda && dmsetup create tgrow --table '0 $OLD linear /dev/vda 0' &&
			dmsetup mknodes && tandemctl create-md r0 --disk $DEV >/dev/null && tandemctl attach r0 --minor 0 --disk $DEV"
	done
	connect_res alpha
	connect_res beta --assume-clean
	wait_field beta connection connected
	ok beta 'tandemctl primary r0 --force &&
		dd if=/dev/urandom of=/dev/tandem0 bs=1M count=16 seek=20 oflag=direct status=none'
	wait_drained beta
	wait_field alpha disk_state uptodate
	SUM=$(host_sum beta 63)
	for vm in alpha beta; do
		ok "$vm" "dmsetup suspend tgrow && dmsetup reload tgrow --table '0 $NEW linear /dev/vda 0' && dmsetup resume tgrow"
	done
	ok beta "echo $1 > /sys/module/tandem/parameters/fault_resize_step"
	refused beta 'tandemctl resize r0' '.'
	ok beta 'dmesg | grep "resize stopped after step"'
	"$PAIR" kill beta
	wait_field alpha connection connecting 10
	"$PAIR" restart beta
	ok beta "modprobe tandem && dmsetup create tgrow --table '0 $NEW linear /dev/vda 0' && dmsetup mknodes"
}

# back: beta connects, the pair resyncs; beta's data is the data it wrote.
back() {
	connect_res beta
	ok beta 'tandemctl wait-sync r0 --timeout 120'
	expect_eq "$(host_sum beta 63)" "$SUM" "beta's data after the power cut"
	same_data "after beta's return"
}

# grown: beta, primary again, grows the pair; both end at the new size, identical.
grown() {
	ok beta 'tandemctl primary r0 && tandemctl resize r0'
	expect_eq "$(size_mib alpha) $(size_mib beta)" "127 127" "the device after the resize"
	ok beta 'tandemctl wait-sync r0 --timeout 120'
	expect_eq "$(host_sum beta 63)" "$SUM" "beta's data after the resize"
	same_data "after the resize"
}

run_test() {
	local step

	for step in 1 2; do
		step "power cut after step $step (the new $([ $step == 1 ] && echo bitmap || echo 'activity log') written, no superblock): the old metadata is whole"
		crash_at $step
		refused beta "tandemctl attach r0 --minor 0 --disk $DEV" \
			"internal metadata of a 64 MiB disk ends 64 MiB in: if the disk grew from that size, attach with --former-size 67108864"
		ok beta "tandemctl attach r0 --minor 0 --disk $DEV --former-size 67108864 && dmesg | grep 'went down as primary'"
		expect_eq "$(size_mib beta)" 63 "beta at its old size"
		back
		# Both steps leave the same state (the old metadata): one resize after them is enough.
		[ $step == 1 ] || grown
	done

	step "power cut after step 3 (the superblock at the new end, the old metadata not yet zeroed): the new metadata is whole"
	crash_at 3
	ok beta "tandemctl attach r0 --minor 0 --disk $DEV && tandemctl status r0 --json"
	expect_eq "$(size_mib beta)" 63 "beta's device, its size not taken yet"
	expect_eq "$(($(field beta max_size) >> 20))" 127 "beta's metadata, moved"
	back
	grown

	step "power cut after alpha grew, before beta took the size: the next handshake grows beta and resyncs the new space"
	crash_at 4
	expect_eq "$(size_mib alpha)" 127 "alpha, grown for beta's resize"
	ok beta "tandemctl attach r0 --minor 0 --disk $DEV"
	expect_eq "$(size_mib beta)" 63 "beta before it meets alpha"
	back
	expect_eq "$(size_mib alpha) $(size_mib beta)" "127 127" "the device once both met"
	ok beta 'dmesg | grep "the device is"'
	grep -q 'the device is 127 MiB now (was 63 MiB): the new blocks are marked for resync' <<<"$OUT" ||
		fail "beta should grow in the handshake and mark the new blocks" "$OUT"
}
