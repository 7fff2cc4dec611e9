description="initial full sync of a fresh pair; verify finds blocks changed behind tandem's back and the resync repairs them"
groups="resync"
requires=""

# The disk: the first 256 MiB of vda (a full sync and three verifies of
# all of it; same_data reads the images from their start).
SMALL='dmsetup create small --table "0 524288 linear /dev/vda 0" && dmsetup mknodes small'

run_test() {
	step "fresh pair, beta's disk full of other data: primary --force on alpha starts a full sync"
	ok alpha "modprobe tandem && blkdiscard -f /dev/vda >/dev/null && $SMALL &&
		tandemctl create-md r0 --disk /dev/mapper/small >/dev/null && tandemctl attach r0 --minor 0 --disk /dev/mapper/small"
	ok beta "modprobe tandem && dd if=/dev/urandom of=/dev/vda bs=1M count=64 seek=100 oflag=direct status=none && $SMALL &&
		tandemctl create-md r0 --disk /dev/mapper/small --force >/dev/null && tandemctl attach r0 --minor 0 --disk /dev/mapper/small"
	connect_res alpha
	connect_res beta
	wait_field alpha connection connected
	ok alpha 'tandemctl primary r0 --force && dd if=/dev/urandom of=/dev/tandem0 bs=1M count=8 seek=200 oflag=direct status=none'
	ok alpha 'tandemctl wait-sync r0 --timeout 300'
	n=$(synced_mib alpha)
	[ "$n" -ge 250 ] || fail "a full sync copies the whole device, copied '$n' MiB"
	same_data "after the initial full sync"

	step "verify on the primary: no differences"
	refused beta 'tandemctl verify r0' 'run verify on the primary'
	ok alpha 'tandemctl verify r0'
	grep -q 'verify compared 255 MiB: 0 KiB differ' <<<"$OUT" || fail "verify after the full sync" "$OUT"

	step "three blocks changed on beta's backing disk behind tandem's back"
	ok beta 'dd if=/dev/urandom of=/dev/vda bs=4k count=2 seek=1000 oflag=direct status=none &&
		dd if=/dev/urandom of=/dev/vda bs=4k count=1 seek=50000 oflag=direct status=none'
	ok alpha 'tandemctl verify r0'
	grep -q ': 12 KiB differ' <<<"$OUT" || fail "verify should find 12 KiB" "$OUT"
	ok alpha 'tandemctl wait-sync r0 --timeout 60'
	same_data "after verify's resync"
	ok alpha 'tandemctl verify r0'
	grep -q ': 0 KiB differ' <<<"$OUT" || fail "verify after the repair" "$OUT"
	ok alpha 'tandemctl status r0 --json'
	grep -q '"verify_diff":0' <<<"$OUT" || fail "status shows the last verify" "$OUT"
}
