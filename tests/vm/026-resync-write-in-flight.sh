description="a write made while disconnected is still in flight on the primary's slow disk when the resync reads its block: the resync waits for it, and the peer gets the new data, not the old"
groups="resync"
requires="dmsetup"

# slow_writes VM MS: the dm device "disk" over /dev/vda delays writes to its
# first 64 MiB (the data written here) by MS; reads, flushes (the metadata's
# are sent to every part of the device) and the metadata at the end of the
# disk are not delayed.
slow_writes() {
	ok "$1" "sz=\$(blockdev --getsz /dev/vda) && dmsetup suspend disk &&
		printf '0 131072 delay /dev/vda 0 0 /dev/vda 0 $2 /dev/vda 0 0\n131072 %d linear /dev/vda 131072\n' \$((sz - 131072)) |
		dmsetup reload disk && dmsetup resume disk"
}

run_test() {
	local vm
	for vm in alpha beta; do
		ok "$vm" 'dmsetup create disk --table "0 $(blockdev --getsz /dev/vda) linear /dev/vda 0" && dmsetup mknodes disk'
	done
	slow_writes alpha 0
	pair_up sync /dev/mapper/disk

	step "beta disconnects; alpha writes block 2048 (old), then, on a disk slowed to 3 s a write, again (new)"
	ok beta 'tandemctl disconnect r0'
	wait_field alpha connection connecting
	ok alpha 'head -c 4096 /dev/zero | tr "\0" o > /tmp/old && head -c 4096 /dev/zero | tr "\0" n > /tmp/new &&
		dd if=/tmp/old of=/dev/tandem0 bs=4k seek=2048 oflag=direct status=none'
	slow_writes alpha 3000
	ok alpha 'rm -f /tmp/dd.rc; setsid sh -c "dd if=/tmp/new of=/dev/tandem0 bs=4k seek=2048 oflag=direct status=none; echo \$? > /tmp/dd.rc" </dev/null >/dev/null 2>&1 &'

	step "beta reconnects at once: the resync reads block 2048 while the new write is in flight"
	connect_res beta
	ok alpha 'for i in $(seq 100); do [ -s /tmp/dd.rc ] && break; sleep 0.2; done; cat /tmp/dd.rc'
	expect_eq "$OUT" 0 "alpha's write"
	ok alpha 'tandemctl wait-sync r0 --timeout 60'
	wait_drained
	slow_writes alpha 0
	ok beta 'dd if=/dev/vda bs=4k skip=2048 count=1 iflag=direct status=none | head -c 8'
	expect_eq "$OUT" nnnnnnnn "block 2048 on beta's disk"
	same_data "after the resync"
}
