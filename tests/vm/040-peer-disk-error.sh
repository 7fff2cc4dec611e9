description="on-io-error pass-on: the secondary's disk fails writes mid-fio (sync, async): the primary's writes succeed, are marked out of sync on disk, the secondary is no longer up to date, and the repaired disk is resynced to equal"
groups="fault resync"
requires="fio dmsetup"

peer_disk_fails() {
	local proto=$1 oos
	ATTACH_OPTS="--on-io-error pass-on" pair_up "$proto" /dev/mapper/disk
	step "$proto: fio on alpha; after 2 s, beta's disk fails sectors 8192-12287 (4-6 MiB)"
	"$PAIR" run alpha 'fio --name=w --filename=/dev/tandem0 --direct=1 --ioengine=libaio \
		--rw=randwrite --bs=4k --iodepth=8 --size=16m --verify=crc32c --verify_fatal=1 \
		--randseed=11 --output-format=terse >/dev/null 2>/tmp/fio.err; echo "fio=$?"' > "$TDM_BUILD/fio.out" &
	fio_pid=$!
	sleep 2
	bad_range beta 8192 4096
	wait $fio_pid || true
	grep -q 'fio=0' "$TDM_BUILD/fio.out" ||
		fail "$proto: fio failed on alpha" "$(cat "$TDM_BUILD/fio.out"; on alpha 'cat /tmp/fio.err')"
	step "$proto: a write into the failing range succeeds on alpha"
	ok alpha 'dd if=/dev/urandom of=/dev/tandem0 bs=4k seek=1100 count=4 oflag=direct status=none'
	oos=$(field alpha out_of_sync)
	[ "${oos:-0}" -ge 16384 ] || fail "$proto: alpha marks $oos bytes out of sync, expected the failed writes"
	ok beta 'tandemctl status r0 --json'
	grep -q '"disk_state":"uptodate"' <<<"$OUT" && fail "$proto: beta's disk still says uptodate" "$OUT"
	ok alpha 'dmesg'
	grep -q 'the peer failed to write request' <<<"$OUT" || fail "$proto: alpha did not see the peer's failure" "$OUT"
	step "$proto: alpha marks $oos bytes; beta is $(field beta disk_state); beta's disk repaired"
	bad_range beta
	ok alpha 'tandemctl wait-sync r0 --timeout 120'
	wait_field beta disk_state uptodate
	wait_drained
	same_data "$proto: after the repair"
	ok alpha 'tandemctl secondary r0 && tandemctl disconnect r0 && tandemctl detach r0'
	ok beta 'tandemctl disconnect r0 && tandemctl detach r0'
}

run_test() {
	local vm
	for vm in alpha beta; do
		ok "$vm" 'dmsetup create disk --table "0 $(blockdev --getsz /dev/vda) linear /dev/vda 0" && dmsetup mknodes disk'
	done
	peer_disk_fails sync
	peer_disk_fails async
}
