description="resync: only changed blocks after a disconnect, under load, after failover; split brain detected and resolved"
groups="resync"
requires="fio"

# scatter VM MiB SEED: random writes of 4..64 KiB, about MiB in all, over the first 900 MiB.
scatter() {
	ok "$1" "fio --name=s --filename=/dev/tandem0 --direct=1 --ioengine=libaio --rw=randwrite \
		--bsrange=4k-64k --iodepth=8 --size=900m --io_size=${2}m --randseed=$3 --output-format=terse >/dev/null"
}

run_test() {
	pair_up sync
	scatter alpha 64 1
	wait_drained
	same_data "connected"

	step "beta disconnects; alpha writes 32 MiB alone; reconnect resyncs only that"
	ok beta 'tandemctl disconnect r0'
	wait_field alpha connection connecting
	expect_eq "$(field alpha peer_disk_state)" outdated "alpha's view of beta"
	scatter alpha 32 2
	ok alpha 'tandemctl status r0 --json'
	oos=$(grep -o '"out_of_sync":[0-9]*' <<<"$OUT" | cut -d: -f2)
	[ "$oos" -ge $((32 << 20)) ] && [ "$oos" -le $((40 << 20)) ] || fail "out of sync after 32 MiB of writes: $oos" "$OUT"
	connect_res beta
	ok alpha 'tandemctl wait-sync r0 --timeout 120'
	n=$(synced_mib alpha)
	[ "$n" -ge 32 ] && [ "$n" -le 40 ] || fail "resync should copy about 32 MiB, copied '$n'" "$(on alpha 'dmesg | tail')"
	same_data "after resync"
	expect_eq "$(field beta disk_state)" uptodate "beta after resync"
	expect_eq "$(field beta out_of_sync)" 0 "beta's bitmap after resync"

	step "resync under load: fio --verify on alpha while 64 MiB resync"
	ok beta 'tandemctl disconnect r0'
	wait_field alpha connection connecting
	scatter alpha 64 3
	connect_res beta
	ok alpha 'fio --name=v --filename=/dev/tandem0 --direct=1 --ioengine=libaio --rw=randwrite \
		--bsrange=4k-128k --iodepth=16 --size=900m --io_size=96m --verify=crc32c --verify_fatal=1 \
		--randseed=4 --output-format=terse >/dev/null'
	ok alpha 'tandemctl wait-sync r0 --timeout 120'
	wait_drained
	same_data "after a resync under load"

	step "failover: alpha stops, beta promoted alone writes; alpha comes back as the target"
	ok alpha 'tandemctl disconnect r0 && tandemctl secondary r0'
	ok beta 'tandemctl disconnect r0 && tandemctl primary r0'
	scatter beta 16 5
	connect_res alpha
	connect_res beta
	ok beta 'tandemctl wait-sync r0 --timeout 120'
	n=$(synced_mib beta)
	[ "$n" -ge 16 ] && [ "$n" -le 24 ] || fail "failback resync should copy about 16 MiB, copied '$n'"
	same_data "after failback"

	step "split brain: both write alone; detected on both sides, no data touched"
	ok beta 'tandemctl disconnect r0'
	ok alpha 'tandemctl disconnect r0 && tandemctl primary r0'
	scatter alpha 8 6
	scatter beta 8 7
	ok beta 'tandemctl secondary r0'
	sums=$(disk_sums)
	connect_res alpha
	connect_res beta
	for vm in alpha beta; do
		wait_field "$vm" connection standalone
		on "$vm" 'tandemctl status r0' | grep -q 'split brain' ||
			fail "$vm should report the split brain" "$(on "$vm" 'tandemctl status r0')"
		on "$vm" 'dmesg' | grep -q 'split brain' || fail "$vm: no split brain in the kernel log"
	done
	refused alpha 'tandemctl wait-sync r0 --timeout 5' 'not connecting: .*split brain'
	expect_eq "$(disk_sums)" "$sums" "both disks' data after the split brain"

	step "resolved by --discard-my-data on beta: it takes alpha's data"
	refused alpha 'tandemctl disconnect r0 && tandemctl connect r0 --local 10.99.0.1:7789 --peer 10.99.0.2:7789 --discard-my-data' \
		'a primary cannot discard its data'
	ok alpha 'tandemctl connect r0 --local 10.99.0.1:7789 --peer 10.99.0.2:7789'
	ok beta 'tandemctl disconnect r0'
	connect_res beta --discard-my-data
	ok alpha 'tandemctl wait-sync r0 --timeout 120'
	expect_eq "$(disk_sums)" "${sums% *} ${sums% *}" "alpha's data, kept and now on beta too"
	ok alpha 'tandemctl verify r0'
	grep -q ': 0 KiB differ' <<<"$OUT" || fail "verify after the resolution" "$OUT"
}
