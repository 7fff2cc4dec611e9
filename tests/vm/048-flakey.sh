description="the secondary's disk lies, then fails (dm-flakey: writes dropped while reported done, then failed) under fio: with detach it is dropped and re-attached, with pass-on verify finds what it dropped; either way nothing is lost and a last verify finds 0 differences"
groups="fault resync"
requires="fio dmsetup"

# The dm device "disk" on each VM: the first 256 MiB of /dev/vda, working,
# dropping writes (reporting them done) or failing them.
DISK_SECTORS=524288
disk_table() {
	local t="0 $DISK_SECTORS linear /dev/vda 0"
	case ${2:-} in
	drop) t="0 $DISK_SECTORS flakey /dev/vda 0 0 5 1 drop_writes" ;;
	error) t="0 $DISK_SECTORS flakey /dev/vda 0 0 5 1 error_writes" ;;
	esac
	ok "$1" "dmsetup suspend disk && echo '$t' | dmsetup reload disk && dmsetup resume disk"
}

FIO="fio --name=w --filename=/dev/tandem0 --direct=1 --ioengine=libaio --rw=randwrite --bs=4k \
	--iodepth=8 --size=32m --verify=crc32c --verify_fatal=1 --randseed=7 --output-format=terse"

# flaky_run: fio on alpha; beta's disk drops writes for 3 s, then fails them.
flaky_run() {
	"$PAIR" run alpha "$FIO >/dev/null 2>/tmp/fio.err; echo fio=\$?" > "$TDM_BUILD/fio.out" &
	fio_pid=$!
	sleep 1
	disk_table beta drop
	sleep 3
	disk_table beta error
	wait $fio_pid || true
	grep -q 'fio=0' "$TDM_BUILD/fio.out" ||
		fail "fio failed on alpha" "$(cat "$TDM_BUILD/fio.out"; on alpha 'cat /tmp/fio.err; dmesg | tail -n 30')"
	ok beta 'dmesg'
	grep -q 'the local disk failed a write' <<<"$OUT" || fail "beta should have seen its disk fail" "$OUT"
}

# verified N: a verify from alpha finds N KiB different (and resyncs them),
# or, with N "some", more than 0; then beta is up to date again.
verified() {
	local kib
	ok alpha 'tandemctl verify r0'
	kib=$(grep -o ': [0-9]* KiB differ' <<<"$OUT" | grep -o '[0-9]*')
	[ -n "$kib" ] || fail "verify said no figure" "$OUT"
	if [ "$1" = some ]; then
		[ "$kib" -gt 0 ] || fail "verify found nothing, though beta's disk dropped writes" "$OUT"
	else
		expect_eq "$kib" "$1" "KiB verify found different"
	fi
	ok alpha 'tandemctl wait-sync r0 --timeout 600'
	wait_field beta disk_state uptodate 60
	wait_drained
	step "verify found $kib KiB different"
}

teardown() {
	ok alpha 'tandemctl secondary r0 && tandemctl disconnect r0 && tandemctl detach r0'
	ok beta 'tandemctl disconnect r0 && tandemctl detach r0'
}

run_test() {
	local vm
	for vm in alpha beta; do
		ok "$vm" "modprobe dm-flakey && dmsetup create disk --table '0 $DISK_SECTORS linear /dev/vda 0' && dmsetup mknodes disk"
	done

	step "detach: beta's disk lies, then fails; it is dropped, repaired, re-attached"
	pair_up sync /dev/mapper/disk
	flaky_run
	wait_field beta disk_state diskless 30
	disk_table beta
	ok beta 'tandemctl attach r0 --minor 0 --disk /dev/mapper/disk'
	wait_field alpha connection connected 30
	ok alpha 'tandemctl wait-sync r0 --timeout 600'
	wait_field beta disk_state uptodate 60
	wait_drained
	same_data "detach: after the re-attach"
	verified 0
	teardown

	step "pass-on: beta's disk lies, then fails; repaired, it resyncs what failed; verify finds what it dropped"
	ATTACH_OPTS="--on-io-error pass-on" pair_up sync /dev/mapper/disk
	flaky_run
	disk_table beta
	ok alpha 'tandemctl wait-sync r0 --timeout 600'
	wait_field beta disk_state uptodate 60
	wait_drained
	verified some
	verified 0
	same_data "pass-on: after verify"
	teardown
}
