description="load/unload cycles; rmmod with resources attached tears them down and leaves nothing"
groups="basic"
requires="python3 fuser"

run_test() {
	step "10 cycles of load, attach two, write and verify, detach, unload"
	ok alpha 'set -e
tandemctl create-md a --disk /dev/vda --force >/dev/null
tandemctl create-md b --disk /dev/vdb --force >/dev/null
for i in $(seq 10); do
	modprobe tandem
	tandemctl attach a --minor 0 --disk /dev/vda
	tandemctl attach b --minor 1 --disk /dev/vdb
	tandemctl primary a --force
	tandemctl primary b --force
	dd if=/dev/urandom of=/tmp/blk bs=64k count=4 status=none
	dd if=/tmp/blk of=/dev/tandem0 bs=64k seek=$i oflag=direct status=none
	dd if=/tmp/blk of=/dev/tandem1 bs=64k seek=$i oflag=direct status=none
	cmp <(dd if=/dev/tandem0 bs=64k skip=$i count=4 iflag=direct status=none) /tmp/blk
	cmp <(dd if=/dev/vdb bs=64k skip=$i count=4 iflag=direct status=none) /tmp/blk
	tandemctl detach a
	tandemctl detach b
	rmmod tandem
done
echo cycles done'

	step "rmmod with two resources attached (none open) tears both down"
	ok alpha 'modprobe tandem && tandemctl attach a --minor 0 --disk /dev/vda && tandemctl attach b --minor 5 --disk /dev/vdb'
	ok alpha 'python3 -c "import os; os.open(\"/dev/vda\", os.O_RDWR | os.O_EXCL)" 2>&1 || echo held'
	grep -q held <<<"$OUT" || fail "vda should be held exclusively while attached" "$OUT"
	ok alpha 'rmmod tandem'

	step "nothing is left behind"
	ok alpha 'ls /dev | grep -c tandem; ls /sys/block | grep -c tandem; ls /sys/module | grep -c "^tandem$"; ls /sys/block/vda/holders /sys/block/vdb/holders | grep -c tandem; grep -c tandem /proc/devices; true'
	expect_eq "$(tr '\n' ' ' <<<"$OUT")" "0 0 0 0 0 " "device nodes, sysfs, holders and the major after rmmod"
	ok alpha 'python3 -c "import os; os.close(os.open(\"/dev/vda\", os.O_RDWR | os.O_EXCL)); os.close(os.open(\"/dev/vdb\", os.O_RDWR | os.O_EXCL))" && echo free'
	expect_eq "$OUT" free "backing disks openable exclusively after rmmod"

	step "rmmod while a device is open is refused, and then works"
	ok alpha 'modprobe tandem && tandemctl attach a --minor 0 --disk /dev/vda && tandemctl primary a --force && (nohup sleep 600 < /dev/tandem0 > /dev/null 2>&1 &) ; sleep 0.5'
	refused alpha 'rmmod tandem' 'in use'
	ok alpha 'test -b /dev/tandem0 && fuser -k /dev/tandem0; sleep 0.5; rmmod tandem && ! test -e /dev/tandem0'
}
