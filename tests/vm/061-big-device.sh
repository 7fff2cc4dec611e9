description="a 1 TiB device (a sparse file in the VM's tmpfs, on a loop device; TDM_BIG_TIB=16: 16 TiB, its metadata on the VM's disk): create-md, attach, connect --assume-clean, scattered writes while disconnected, a resync of just those, verify of a range; times printed, kernel memory and bitmap bytes on the wire bounded"
groups="resync"
requires="losetup truncate"

TIB=${TDM_BIG_TIB:-1}
SECTORS=$((TIB << 31))
BLOCKS=$((SECTORS / 8))
WRITES=100
# Bounds: the bitmap is 32 MiB per TiB in memory (one bit per 4 KiB), plus
# the per-block dirty bits; a run of set bits is 12 bytes on the wire.
MEM_BOUND_KIB=$((TIB * 40 * 1024))
WIRE_BOUND=$((WRITES * 12 + 1024))

# big VM: $BIG, a sparse file in the VM's own tmpfs: what was never
# written reads as zeros, what is written takes the VM's memory. Past 1 TiB
# the metadata (32 MiB per TiB) goes on the VM's disk instead (MD_OPTS).
BIG=/dev/loop0
IMG=/tmp/tandem-big.img
MD_OPTS=
[ "$TIB" -eq 1 ] || MD_OPTS="--meta-disk /dev/vda"
big() {
	ok "$1" "modprobe tandem && { modprobe loop 2>/dev/null; true; } && truncate -s $((SECTORS * 512)) $IMG &&
		losetup $BIG $IMG && blkdiscard -f /dev/vda"
}

# timed VM CMD: run CMD in VM; its duration in seconds (2 decimals) in $SECS.
timed() {
	ok "$1" "s=\$(date +%s%N); $2 >/dev/null || exit 1; e=\$(date +%s%N); echo \$(((e - s) / 10000000))"
	OUT=$(tail -n1 <<<"$OUT")
	SECS=$(printf '%d.%02d' $((OUT / 100)) $((OUT % 100)))
}

# kmem VM: KiB of kernel memory tandem may take: vmalloc'ed and slab.
kmem() {
	on "$1" "awk '/^VmallocUsed:|^Slab:/ { s += \$2 } END { print s }' /proc/meminfo"
}

# blocks_sum VM: md5 of the 4 KiB blocks the scattered writes went to, read
# from the backing disk (a secondary's /dev/tandem0 cannot be opened).
blocks_sum() {
	on "$1" "for i in \$(seq 0 $((WRITES - 1))); do
		dd if=$BIG bs=4k count=1 skip=\$((i * ($BLOCKS / $WRITES) + i % 7)) iflag=direct status=none
	done | md5sum"
}

run_test() {
	local vm v mem0 mem1 kib t_create t_attach t_resync runs bytes a b lat back_bound

	big alpha
	big beta
	step "create-md and attach on $TIB TiB"
	timed alpha "tandemctl create-md r0 --disk $BIG $MD_OPTS"
	t_create=$SECS
	ok beta "tandemctl create-md r0 --disk $BIG $MD_OPTS"
	mem0=$(kmem alpha)
	timed alpha "tandemctl attach r0 --minor 0 --disk $BIG $MD_OPTS"
	t_attach=$SECS
	mem1=$(kmem alpha)
	ok beta "tandemctl attach r0 --minor 0 --disk $BIG $MD_OPTS"
	kib=$((mem1 - mem0))
	step "create-md $t_create s, attach $t_attach s, $kib KiB of kernel memory"
	if [ "$TIB" -eq 1 ]; then
		expect_eq "$(field alpha size)" 1099477901312 "size of tandem0: 1 TiB less 8225 bitmap blocks, the log and the superblock"
	else
		expect_eq "$(field alpha size)" $((SECTORS * 512)) "size of tandem0: all of the data disk"
	fi

	step "connected with --assume-clean: nothing to sync"
	connect_res alpha
	connect_res beta --assume-clean
	wait_field alpha connection connected 60
	ok alpha 'tandemctl primary r0 --force'
	wait_field beta disk_state uptodate 60
	wait_field alpha peer_disk_state uptodate

	step "beta away: $WRITES writes of 4 KiB scattered over the TiB"
	ok beta 'tandemctl disconnect r0'
	wait_field alpha connection connecting
	ok alpha "for i in \$(seq 0 $((WRITES - 1))); do
		dd if=/dev/urandom of=/dev/tandem0 bs=4k count=1 seek=\$((i * ($BLOCKS / $WRITES) + i % 7)) oflag=direct status=none || exit 1
	done"
	expect_eq "$(field alpha out_of_sync)" $((WRITES * 4096)) "bytes out of sync on alpha"

	step "beta back: the bitmap crosses as runs, the resync copies those blocks only"
	ok alpha 'dmesg -C'
	ok beta "s=\$(date +%s%N); tandemctl connect r0 --local $REP_IP_beta:7789 --peer $REP_IP_alpha:7789 >/dev/null 2>&1 &&
		for i in \$(seq 1 1200); do tandemctl status r0 --json | grep -q '\"disk_state\":\"uptodate\"' && break; sleep 0.1; done;
		e=\$(date +%s%N); echo \$(((e - s) / 10000000))"
	OUT=$(tail -n1 <<<"$OUT")
	t_resync=$(printf '%d.%02d' $((OUT / 100)) $((OUT % 100)))
	wait_field beta disk_state uptodate 5
	wait_field alpha out_of_sync 0
	ok alpha 'dmesg | grep "bitmap sent:" | tail -n1'
	runs=$(sed -n 's/.*bitmap sent: \([0-9]*\) runs.*/\1/p' <<<"$OUT")
	bytes=$(sed -n 's/.*runs, \([0-9]*\) bytes.*/\1/p' <<<"$OUT")
	[ -n "$runs" ] || fail "alpha should log the bitmap it sent" "$OUT"
	step "bitmap sent: $runs runs, $bytes bytes; beta up to date $t_resync s after connect"
	ok alpha 'dmesg | grep -o "resync to the peer: [0-9]* MiB" | tail -n1'
	grep -q 'resync to the peer: 0 MiB' <<<"$OUT" || fail "only the written blocks are to be resynced" "$OUT"
	wait_drained
	a=$(blocks_sum alpha)
	b=$(blocks_sum beta)
	expect_eq "$b" "$a" "the written blocks on beta"

	step "verify of a range: it finds what differs there, and only there"
	# Blocks 10 and 50 of the scattered writes, overwritten on beta's disk behind tandem.
	for i in 10 50; do
		ok beta "dd if=/dev/urandom of=$BIG bs=4k count=1 seek=$((i * (BLOCKS / WRITES) + i % 7)) oflag=direct status=none"
	done
	ok alpha "tandemctl verify r0 --start $((TIB * 524288 - 256))M --length 256M"
	grep -q 'verify compared 256 MiB: 4 KiB differ' <<<"$OUT" || fail "block 50 is in the range, block 10 is not" "$OUT"
	wait_field alpha connection connected 60
	wait_field alpha out_of_sync 0
	refused alpha 'tandemctl verify r0 --start 2K' 'multiple of 4 KiB'
	refused alpha "tandemctl verify r0 --start $((TIB * 2))T" 'past the end of the device'
	ok alpha "tandemctl verify r0 --start $(((10 * (BLOCKS / WRITES) + 3) * 4096)) --length 4K"
	grep -q 'verify compared 0 MiB: 4 KiB differ' <<<"$OUT" || fail "block 10, alone" "$OUT"
	wait_field alpha connection connected 60
	wait_field alpha out_of_sync 0
	wait_drained
	expect_eq "$(blocks_sum beta)" "$a" "the written blocks on beta after both verifies"

	step "a verify the link cuts short says so, and fails"
	ok alpha "(nohup sh -c 'tandemctl verify r0 --length 64G; echo exit=\$?' > /tmp/vf.out 2>&1 &) && sleep 4"
	ok beta 'tandemctl disconnect r0'
	ok alpha 'for i in $(seq 150); do grep -q exit= /tmp/vf.out && break; sleep 0.2; done; cat /tmp/vf.out'
	grep -q 'interrupted after [0-9]* of 67108864 KiB (0 KiB differ so far): the connection was lost, or a read failed' <<<"$OUT" &&
		grep -q 'exit=1' <<<"$OUT" || fail "an interrupted verify should say so and fail" "$OUT"
	connect_res beta
	wait_field alpha connection connected 60

	step "every bit set (invalidate-remote), then sent at the next connect: the bitmap's lock stays free"
	ok alpha "(nohup sh -c 'echo \$\$ > /tmp/lat.pid; while :; do s=\$(date +%s%N); tandemctl status r0 --json >/dev/null;
		e=\$(date +%s%N); echo \$(((e - s) / 1000000)); done' > /tmp/lat 2>/dev/null &) && sleep 2"
	ok alpha 'tandemctl invalidate-remote r0'
	wait_field alpha sync source 60
	ok beta 'tandemctl disconnect r0'
	wait_field alpha connection connecting
	connect_res beta
	wait_field alpha sync source 120
	ok alpha 'kill $(cat /tmp/lat.pid) && sleep 1 && wc -l < /tmp/lat && sort -n /tmp/lat | tail -n1 && dmesg | grep "bitmap sent:" | tail -n1'
	lat=$(sed -n 2p <<<"$OUT")
	step "status calls during it: $(head -n1 <<<"$OUT"), the slowest $lat ms; $(tail -n1 <<<"$OUT" | sed 's/.*r0: //')"
	ok beta 'tandemctl disconnect r0'

	step "detach gives the memory back"
	ok beta 'tandemctl detach r0'
	ok alpha 'tandemctl secondary r0 && tandemctl detach r0 && echo 3 > /proc/sys/vm/drop_caches'
	vm=$(kmem alpha)
	# The debug kernel's KASAN keeps freed objects in quarantine (counted as
	# slab) for a while: there kmemleak, after the test, is the leak check.
	back_bound=4096
	on alpha '[ -e /sys/kernel/debug/kmemleak ]' && back_bound=16384
	for v in alpha beta; do
		ok "$v" "losetup -d $BIG && rm $IMG"
	done

	echo "| device | create-md s | attach s | kernel memory | bitmap on the wire | resync of $WRITES x 4 KiB s | slowest status, every bit set and sent |"
	echo "| --- | --- | --- | --- | --- | --- | --- |"
	echo "| $TIB TiB | $t_create | $t_attach | $((kib / 1024)) MiB | $runs runs, $bytes bytes | $t_resync | $lat ms |"
	[ "$kib" -le "$MEM_BOUND_KIB" ] || fail "attach of $TIB TiB took $kib KiB of kernel memory (bound $MEM_BOUND_KIB)"
	[ "$bytes" -le "$WIRE_BOUND" ] || fail "the bitmap of $WRITES blocks took $bytes bytes on the wire (bound $WIRE_BOUND)"
	[ "$runs" -eq "$WRITES" ] || fail "$WRITES scattered blocks should be $WRITES runs, not $runs"
	[ $((vm - mem0)) -le "$back_bound" ] || fail "after detach, $((vm - mem0)) KiB of kernel memory were not given back"
}
