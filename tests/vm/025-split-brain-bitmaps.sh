description="a split brain where both bitmaps are larger than the link's socket buffers, both nodes still primary: both say split brain at once (not 'both primary'), with what each wrote and the commands to resolve it; the bitmap exchange does not block both sides; resolved, resynced, equal"
groups="resync"
requires="fio sysctl"

TCP_SMALL="4096 8192 16384"

# every_other VM OFFSET: 4 KiB writes to every other 4 KiB block of the first
# 64 MiB, from OFFSET: 8192 runs in the bitmap, about 100 KiB on the wire.
every_other() {
	ok "$1" "fio --name=e --filename=/dev/tandem0 --direct=1 --ioengine=libaio --rw=write:4k \
		--bs=4k --iodepth=8 --offset=$2 --size=64m --output-format=terse >/dev/null"
}

run_test() {
	local vm n
	pair_up sync
	step "the link's socket buffers made small (16 KiB at most) on both"
	for vm in alpha beta; do
		# What the runner's reset restores (run.sh), should this test fail.
		ok "$vm" "mkdir -p /run/tandem-test &&
			sysctl net.ipv4.tcp_wmem net.ipv4.tcp_rmem > /run/tandem-test/sysctl.restore &&
			sysctl -qw net.ipv4.tcp_wmem='$TCP_SMALL' net.ipv4.tcp_rmem='$TCP_SMALL'"
	done

	step "split brain: alpha and beta each write 8192 separate blocks alone"
	ok beta 'tandemctl disconnect r0'
	ok alpha 'tandemctl disconnect r0'
	every_other alpha 0
	ok beta 'tandemctl primary r0 --force'
	every_other beta 4k

	step "both still primary: connecting says split brain at once, on both, with the way out"
	connect_res alpha
	connect_res beta
	for vm in alpha beta; do
		wait_field "$vm" connection standalone 60
		ok "$vm" 'tandemctl status r0 --json'
		grep -q '"last_error":"[^"]*split brain' <<<"$OUT" || fail "$vm should say split brain" "$OUT"
		ok "$vm" 'dmesg | grep "KiB on its own" | tail -n1'
		grep -q 'changed 32768 KiB on its own.*tandemctl connect r0 --discard-my-data' <<<"$OUT" ||
			fail "$vm's log should say what it wrote and how to drop it" "$OUT"
	done
	ok alpha 'tandemctl disconnect r0'
	ok beta 'tandemctl disconnect r0 && tandemctl secondary r0'

	step "beta discards its data: both bitmaps cross the link, in turn"
	connect_res alpha
	connect_res beta --discard-my-data
	wait_field alpha connection connected 60
	# 64 MiB through 16 KiB socket buffers: seconds here, minutes on the
	# debug kernel (0.3 MB/s).
	ok alpha 'tandemctl wait-sync r0 --timeout 600'
	n=$(synced_mib alpha)
	[ "$n" -ge 64 ] && [ "$n" -le 66 ] || fail "the resync should copy both sides' 64 MiB, copied '$n'"
	wait_drained
	same_data "after the split brain's resync"

	for vm in alpha beta; do
		ok "$vm" 'sysctl -q -p /run/tandem-test/sysctl.restore && rm /run/tandem-test/sysctl.restore'
	done
}
