description="a hostile peer's packets that break the rules end the session and touch no disk: a verify range that wraps past 2^64, a flush without its flag, an unknown flag bit; a valid write is taken"
groups="fault"
requires=""

# attack NAME: alpha plays beta's peer (tests/vm/helpers/fakepeer) and sends NAME.
attack() {
	local sectors
	sectors=$(on beta 'cat /sys/block/tandem0/size')
	ok beta 'dmesg -C'
	ok alpha "tests/vm/helpers/fakepeer $REP_IP_alpha $REP_IP_beta 7789 r0 $sectors $1"
	step "$1: $OUT"
}

run_test() {
	ok beta 'modprobe tandem && tandemctl create-md r0 --disk /dev/vda --force >/dev/null &&
		tandemctl attach r0 --minor 0 --disk /dev/vda'
	connect_res beta --protocol sync

	attack none
	expect_eq "$OUT" "still connected" "after a valid write"

	for a in verify-wrap flush-noflag unknown-flag; do
		attack "$a"
		expect_eq "$OUT" "hung up" "after $a"
		ok beta 'dmesg'
		grep -q 'connection to the peer lost (protocol error)' <<<"$OUT" ||
			fail "beta should end the session for a protocol error ($a)" "$OUT"
		grep -q 'beyond end of device' <<<"$OUT" && fail "beta read past its disk ($a)" "$OUT"
		wait_field beta connection connecting
	done
	ok beta 'tandemctl status r0 --json'
	grep -q '"errors":0' <<<"$OUT" || fail "beta's I/O errors" "$OUT"
}
