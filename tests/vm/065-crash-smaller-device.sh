description="power cut of a primary whose device is smaller than its disk's data area (create-md --size, not a multiple of the activity log's 4 MiB extents) right after it wrote its last blocks: at attach its activity log marks only blocks of the device, and the pair reconnects and resyncs (the last extent's bits past the device's end broke every reconnection)"
groups="fault resync"
requires=""

SIZE=$((511 << 20))	# the extent [508, 512) MiB runs past the device's end

run_test() {
	local vm
	for vm in alpha beta; do
		ok "$vm" "modprobe tandem && blkdiscard -f /dev/vda &&
			tandemctl create-md r0 --disk /dev/vda --size $SIZE >/dev/null &&
			tandemctl attach r0 --minor 0 --disk /dev/vda"
	done
	connect_res alpha --protocol sync
	connect_res beta --protocol sync --assume-clean
	wait_field alpha connection connected
	ok alpha 'tandemctl primary r0 --force'
	wait_field beta disk_state uptodate
	step "beta (the VM the harness can boot again) is primary and writes the device's last 3 MiB, then a power cut"
	ok alpha 'tandemctl secondary r0'
	wait_field beta peer_role secondary
	ok beta 'tandemctl primary r0'
	expect_eq "$(on beta 'blockdev --getsize64 /dev/tandem0')" "$SIZE" "the device's size"
	ok beta "dd if=/dev/urandom of=/dev/tandem0 bs=1M seek=508 count=3 oflag=direct status=none"
	wait_drained beta
	"$PAIR" kill beta
	wait_field alpha connection connecting 10

	step "beta boots again: its activity log is marked for resync, up to the device's end"
	"$PAIR" restart beta
	ok beta 'modprobe tandem && tandemctl attach r0 --minor 0 --disk /dev/vda && dmesg | grep "went down as primary"'
	grep -q 'extents of its activity log' <<<"$OUT" || fail "beta should mark its activity log" "$OUT"
	connect_res beta --protocol sync
	wait_field beta connection connected 30
	ok beta 'tandemctl wait-sync r0 --timeout 120'
	wait_field alpha disk_state uptodate
	n=$(synced_mib beta)
	[ "$n" == 3 ] || fail "the resync should copy the logged extent up to the device's end (3 MiB), copied '$n' MiB"
	step "resync after the crash: $n MiB"
	same_data "after the crash and resync"
}
