description="on-io-error detach (the default): the primary's disk dies mid-fio (sync, async): fio completes and verifies through the peer, the node is diskless, the peer is promoted without --force and holds every write; the secondary's disk dies: the primary marks what it misses; each repaired disk is re-attached and resynced to equal; with both disks dead, a write fails"
groups="fault resync"
requires="fio dmsetup"

# The dm device "disk" on each VM: the first 256 MiB of /dev/vda (a full
# resync stays short), working or failing every I/O.
DISK_SECTORS=524288
disk_table() {
	local t="0 $DISK_SECTORS linear /dev/vda 0"
	[ "${2:-}" = dead ] && t="0 $DISK_SECTORS error"
	ok "$1" "dmsetup suspend disk && echo '$t' | dmsetup reload disk && dmsetup resume disk"
}

FIO="fio --name=w --filename=/dev/tandem0 --direct=1 --ioengine=libaio --rw=randwrite --bs=4k \
	--iodepth=8 --size=16m --verify=crc32c --verify_fatal=1 --randseed=11 --output-format=terse"

# fio_then_die VM: fio with verify on alpha; VM's disk dies 2 s in; fio must succeed.
fio_then_die() {
	"$PAIR" run alpha "$FIO >/dev/null 2>/tmp/fio.err; echo fio=\$?" > "$TDM_BUILD/fio.out" &
	fio_pid=$!
	sleep 2
	disk_table "$1" dead
	wait $fio_pid || true
	grep -q 'fio=0' "$TDM_BUILD/fio.out" ||
		fail "fio failed on alpha" "$(cat "$TDM_BUILD/fio.out"; on alpha 'cat /tmp/fio.err; dmesg | tail -n 30')"
}

# reattach VM: VM's disk repaired and re-attached; every block comes back from the peer.
reattach() {
	local src=$2
	disk_table "$1"
	ok "$1" 'tandemctl attach r0 --minor 0 --disk /dev/mapper/disk'
	expect_eq "$(field "$1" disk_state)" failed "$1's disk, re-attached, until every block is copied"
	wait_field "$src" connection connected 30
	ok "$src" 'tandemctl wait-sync r0 --timeout 600'
	wait_field "$1" disk_state uptodate 30
	ok "$1" 'dmesg'
	grep -q 're-attached /dev/mapper/disk: every block will be copied from the peer' <<<"$OUT" ||
		fail "$1 should say what the re-attach does" "$OUT"
	grep -q 'the local disk is whole again' <<<"$OUT" || fail "$1 should say its disk recovered" "$OUT"
	wait_drained "$src"
	same_data "after $1's re-attach"
}

teardown() {
	ok alpha 'tandemctl secondary r0'
	ok beta 'tandemctl secondary r0'
	ok alpha 'tandemctl disconnect r0 && tandemctl detach r0'
	ok beta 'tandemctl disconnect r0 && tandemctl detach r0'
}

primary_disk_dies() {
	local proto=$1
	pair_up "$proto" /dev/mapper/disk
	step "$proto: fio with verify on alpha; 2 s in, alpha's disk dies: writes and reads go to beta"
	fio_then_die alpha
	ok alpha 'tandemctl status r0 --json'
	grep -q '"disk_state":"diskless"' <<<"$OUT" || fail "alpha should be diskless" "$OUT"
	grep -q '"on_io_error":"detach"' <<<"$OUT" || fail "alpha's policy should be detach" "$OUT"
	grep -q '"disk_errors":[1-9]' <<<"$OUT" || fail "alpha should count the errors" "$OUT"
	ok alpha 'dmesg'
	grep -q 'the local disk failed a [a-z ]* at sector [0-9]*: disk state diskless, I/O goes to the peer' <<<"$OUT" ||
		fail "alpha should log the detach" "$OUT"
	wait_field beta peer_disk_state diskless
	expect_eq "$(field beta disk_state)" uptodate "beta's disk"
	expect_eq "$(ha_checks alpha)" "ocf=9 score=none vrrp=1" "alpha's HA checks (hand the service over)"
	step "$proto: every block fio wrote reads back on alpha, through beta"
	ok alpha "$FIO --verify_only >/dev/null"

	step "$proto: switch-over: alpha secondary, beta primary without --force, holding every write"
	ok alpha 'tandemctl secondary r0'
	refused alpha 'tandemctl primary r0 --force' 'diskless'
	ok beta 'tandemctl primary r0'
	ok beta "$FIO --verify_only >/dev/null"
	refused alpha 'tandemctl attach r0 --minor 0 --disk /dev/vdb' 'repaired under its name'
	reattach alpha beta
	teardown
}

secondary_disk_dies() {
	local oos
	pair_up sync /dev/mapper/disk
	step "sync: fio on alpha; 2 s in, beta's disk dies: alpha goes on, marking what beta misses"
	fio_then_die beta
	wait_field beta disk_state diskless
	wait_field alpha peer_disk_state diskless 30
	wait_field alpha connection connected 30
	expect_eq "$(field beta connection)" connected "beta's connection (diskless, it stays)"
	ok alpha 'dd if=/dev/urandom of=/dev/tandem0 bs=1M seek=100 count=4 oflag=direct status=none'
	oos=$(field alpha out_of_sync)
	[ "${oos:-0}" -ge 4194304 ] || fail "alpha marks $oos bytes, expected at least the 4 MiB written since"
	refused beta 'tandemctl primary r0' 'diskless'
	reattach beta alpha
	teardown
}

# both_disks_die: alpha diskless, then beta's disk fails the write alpha
# hands it: that write fails on alpha, it is nowhere (it once completed as
# if written: the peer's error ack was taken for success).
both_disks_die() {
	pair_up sync /dev/mapper/disk
	step "alpha's disk dies, then beta's: alpha's next write fails, as it is on neither"
	disk_table alpha dead
	ok alpha 'dd if=/dev/urandom of=/dev/tandem0 bs=4k seek=10 count=1 oflag=direct status=none'
	wait_field alpha disk_state diskless
	disk_table beta dead
	refused alpha 'dd if=/dev/urandom of=/dev/tandem0 bs=4k seek=20 count=1 oflag=direct status=none' \
		'Input/output error'
	disk_table alpha
	disk_table beta
	ok alpha 'tandemctl secondary r0; tandemctl disconnect r0 && tandemctl detach r0'
	ok beta 'tandemctl disconnect r0 && tandemctl detach r0'
}

run_test() {
	local vm
	for vm in alpha beta; do
		# The OCF agent checks that r0 is in the resource files (r0 is set up by hand here).
		write_conf "$vm"
		crm_stub "$vm"
		ok "$vm" "dmsetup create disk --table '0 $DISK_SECTORS linear /dev/vda 0' && dmsetup mknodes disk"
	done
	primary_disk_dies sync
	primary_disk_dies async
	secondary_disk_dies
	both_disks_die
}
