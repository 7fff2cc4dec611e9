description="the LVM snapshot handler (tools/ha/snapshot-resync-target-lvm) on LVs: beta, behind, takes a snapshot before a resync makes it inconsistent; the source goes away mid-resync; beta rolls back to the snapshot (lvconvert --merge) and has its consistent older data, which it can serve; after a resync that finishes, the snapshot is dropped; a full resync (invalidate) makes the rolled-back node whole"
groups="fault resync"
requires="lvm"

SNAP=$TDM_TOP/tools/ha/snapshot-resync-target-lvm
HANDLERS="--handler before-resync-target=$SNAP --handler after-resync-target=$SNAP"
# No udev in the VMs: LVM must not wait for it.
LVM_ENV='export DM_DISABLE_UDEV=1'

# lv_sum VM: md5 of VM's whole logical volume (data and tandem's metadata).
lv_sum() { on "$1" 'md5sum < /dev/tvg/data | cut -d" " -f1'; }

run_test() {
	local vm before
	for vm in alpha beta; do
		# vdb keeps an earlier run's volume group: wiped first.
		ok "$vm" "$LVM_ENV; modprobe dm_snapshot && dmsetup remove_all && wipefs -qa /dev/vdb &&
			pvcreate -qq -ff -y /dev/vdb && vgcreate -qq tvg /dev/vdb &&
			lvcreate -qq -y -W y -L 120M -n data tvg && blkdiscard -f -z /dev/tvg/data >/dev/null"
	done
	ATTACH_OPTS=$HANDLERS pair_up sync /dev/tvg/data
	ok alpha 'dd if=/dev/urandom of=/dev/tandem0 bs=1M count=8 oflag=direct status=none'
	wait_drained

	step "beta behind by 32 MiB; it reconnects to a source resyncing at 1 MiB/s, which goes away after 3 s"
	ok beta 'tandemctl disconnect r0'
	before=$(lv_sum beta)
	ok alpha 'dd if=/dev/urandom of=/dev/tandem0 bs=1M count=32 seek=16 oflag=direct status=none &&
		tandemctl disconnect r0'
	connect_res alpha --protocol sync --resync-rate 1
	connect_res beta --protocol sync
	wait_field beta disk_state inconsistent 60
	ok beta "$LVM_ENV; lvs --noheadings -o lv_name tvg | grep -c data-before-resync"
	sleep 3
	ok alpha 'tandemctl disconnect r0'
	expect_eq "$(field beta disk_state)" inconsistent "beta, its resync cut short"
	refused beta 'tandemctl primary r0' "."

	step "beta rolls back to the snapshot: its older data, consistent, and it can serve it"
	ok beta "$LVM_ENV; tandemctl detach r0 && lvconvert -q --merge tvg/data-before-resync &&
		! lvs tvg/data-before-resync 2>/dev/null"
	expect_eq "$(lv_sum beta)" "$before" "beta's volume after the roll-back"
	ok beta 'tandemctl attach r0 --minor 0 --disk /dev/tvg/data && tandemctl primary r0 --force &&
		dd if=/dev/tandem0 of=/dev/null bs=1M count=8 iflag=direct status=none && tandemctl secondary r0'

	step "attached again with the handler, it resyncs from alpha to the end: the snapshot is dropped"
	ok beta "tandemctl detach r0 && tandemctl attach r0 --minor 0 --disk /dev/tvg/data $HANDLERS"
	connect_res alpha --protocol sync
	connect_res beta --protocol sync --discard-my-data
	ok beta 'tandemctl wait-sync r0 --timeout 120'
	ok beta "$LVM_ENV; for i in \$(seq 60); do lvs tvg/data-before-resync >/dev/null 2>&1 || exit 0; sleep 0.5; done; exit 1"
	# The handler's end is logged once its process is gone, after the LV.
	ok beta 'for i in $(seq 60); do dmesg | grep -q "the after-resync-target handler exited with 0" && exit 0; sleep 0.5; done; exit 1'
	# Alpha had cleared the bits of what it sent before the cut, which the
	# roll-back undid: only a full resync makes beta whole (the README says so).
	step "the rolled-back node resynced in full (invalidate): verify finds nothing"
	ok beta 'tandemctl invalidate r0 && tandemctl wait-sync r0 --timeout 300'
	ok alpha 'tandemctl verify r0 && dmesg | grep "verify done" | tail -n1'
	grep -q ' 0 KiB differ' <<<"$OUT" || fail "verify after the full resync" "$OUT"
}
