description="the secondary's disk takes 3 s per write (dm-delay): the session stays up (its receiver waits for no disk, pings are answered) and every write lands, async and sync; with ko-count 2 the primary drops a peer whose disk hangs after 2 timeouts, its write completing alone, and the pair resyncs to equal; a command waiting for a slow disk (outdate) does not hold up status"
groups="fault resync"
requires="fio dmsetup"

# The dm device "disk" on each VM: the first 256 MiB of /dev/vda, its
# writes delayed by MS ms, or not.
DISK_SECTORS=524288
disk_table() {
	local t="0 $DISK_SECTORS linear /dev/vda 0"
	[ -n "${2:-}" ] && t="0 $DISK_SECTORS delay /dev/vda 0 0 /dev/vda 0 $2"
	ok "$1" "dmsetup suspend disk && echo '$t' | dmsetup reload disk && dmsetup resume disk"
}

# stays_up SECS: alpha's connection is up every second for SECS seconds.
stays_up() {
	on alpha "for i in \$(seq $1); do
		tandemctl status r0 --json | grep -q '\"connection\":\"connected\"' || exit 1
		sleep 1
	done" || fail "alpha lost the peer with the slow disk" "$(on alpha 'tandemctl status r0; dmesg | tail -n 20')"
}

# slow_peer PROTO FIO_ARGS: FIO_ARGS on alpha while beta's writes take 3 s;
# the session must stay up throughout, and both disks end equal.
slow_peer() {
	local proto=$1
	pair_up "$proto" /dev/mapper/disk
	disk_table beta 3000
	step "$proto: beta's writes take 3 s each; alpha writes ($2)"
	ok alpha 'dmesg -C'
	"$PAIR" run alpha "fio --name=w --filename=/dev/tandem0 --direct=1 --ioengine=libaio \
		--rw=randwrite --size=32m --randseed=3 $2 >/dev/null 2>/tmp/fio.err; echo fio=\$?" \
		> "$TDM_BUILD/fio.out" &
	fio_pid=$!
	stays_up 20
	wait $fio_pid || true
	grep -q 'fio=0' "$TDM_BUILD/fio.out" ||
		fail "$proto: fio failed on alpha" "$(cat "$TDM_BUILD/fio.out"; on alpha 'cat /tmp/fio.err')"
	wait_field alpha pending 0 180
	wait_field alpha unacked 0 180
	ok beta 'tandemctl status r0 --json'
	grep -q '"received":[1-9]' <<<"$OUT" || fail "$proto: beta applied nothing" "$OUT"
	ok alpha 'dmesg'
	grep -q 'connection to the peer lost' <<<"$OUT" && fail "$proto: alpha lost the peer" "$OUT"
	expect_eq "$(field beta disk_state)" uptodate "$proto: beta's disk"
	same_data "$proto: with beta's slow disk"
	disk_table beta
	ok alpha 'tandemctl secondary r0 && tandemctl disconnect r0 && tandemctl detach r0'
	ok beta 'tandemctl disconnect r0 && tandemctl detach r0'
}

run_test() {
	local vm t0 t1
	for vm in alpha beta; do
		ok "$vm" "modprobe dm-delay && dmsetup create disk --table '0 $DISK_SECTORS linear /dev/vda 0' && dmsetup mknodes disk"
	done
	# A few epochs of many writes each: beta takes 3 s for each epoch.
	slow_peer async '--bs=64k --iodepth=16 --number_ios=48'
	slow_peer sync '--bs=4k --iodepth=4 --time_based --runtime=15'

	step "ko-count 2: beta's disk hangs (20 s per write); alpha drops it after 2 timeouts and writes on"
	pair_up sync /dev/mapper/disk --ko-count 2
	expect_eq "$(field alpha ko_count)" 2 "alpha's ko-count in status"
	disk_table beta 20000
	t0=$(date +%s)
	ok alpha 'dd if=/dev/urandom of=/dev/tandem0 bs=4k seek=100 count=1 oflag=direct status=none'
	t1=$(date +%s)
	step "alpha's write completed in $((t1 - t0)) s, beta's disk taking 20"
	[ $((t1 - t0)) -lt 15 ] || fail "alpha's write took $((t1 - t0)) s: ko-count did not drop the peer"
	ok alpha 'dmesg'
	grep -q 'the peer has completed no write for [0-9]* ms (ko-count 2 x 2500 ms): dropping it' <<<"$OUT" ||
		fail "alpha should say why it dropped the peer" "$OUT"
	grep -q 'connection to the peer lost (ko-count: it completed no write)' <<<"$OUT" ||
		fail "alpha should say ko-count ended the session" "$OUT"
	ok alpha 'dd if=/dev/urandom of=/dev/tandem0 bs=4k seek=200 count=4 oflag=direct status=none'
	disk_table beta
	wait_field alpha connection connected 60
	ok alpha 'tandemctl wait-sync r0 --timeout 600'
	wait_drained
	same_data "after ko-count and the resync"

	step "a command waiting for a slow disk holds up no status: beta outdates its data (5 s per write), a second command queued behind it"
	ok beta 'tandemctl disconnect r0'
	disk_table beta 5000
	ok beta 't0=${EPOCHREALTIME/./}; tandemctl outdate r0 & p1=$!; sleep 0.5; tandemctl outdate r0 & p2=$!; sleep 1
		s0=${EPOCHREALTIME/./}; tandemctl status r0 >/dev/null; s1=${EPOCHREALTIME/./}
		wait $p1 $p2; t1=${EPOCHREALTIME/./}
		echo $(((s1 - s0) / 1000)) $(((t1 - t0) / 1000))'
	read -r st_ms out_ms <<<"$OUT"
	step "status took $st_ms ms, the outdates $out_ms ms"
	[ "$out_ms" -ge 4000 ] || fail "outdate did not wait for the slow disk ($out_ms ms): nothing tested"
	[ "$st_ms" -lt 2000 ] || fail "status waited $st_ms ms for beta's outdate"
	expect_eq "$(field beta disk_state)" outdated "beta's data"
	disk_table beta
}
