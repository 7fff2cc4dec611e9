description="on-io-error pass-on: the primary's own disk fails (dm error range): the application gets the error, the disk is failed with its error count and first error's time, the peer and the HA checks see it, it is never a resync source; after a failover and a repair it is resynced from the peer and whole again"
groups="fault resync ha"
requires="dmsetup"

run_test() {
	local vm
	for vm in alpha beta; do
		# The agent checks that r0 is in the resource files (r0 is connected by hand here).
		write_conf "$vm"
		crm_stub "$vm"
		ok "$vm" "dmsetup create disk --table \"0 \$(blockdev --getsz /dev/vda) linear /dev/vda 0\" && dmsetup mknodes disk"
	done
	ATTACH_OPTS="--on-io-error pass-on" pair_up sync /dev/mapper/disk
	ok alpha 'dd if=/dev/urandom of=/dev/tandem0 bs=1M count=8 oflag=direct status=none'
	expect_eq "$(ha_checks alpha)" "ocf=8 score=10000 vrrp=0" "alpha's HA checks while healthy"

	step "alpha's disk fails sectors 8192-12287: a write there fails, on alpha only"
	bad_range alpha 8192 4096
	refused alpha 'dd if=/dev/urandom of=/dev/tandem0 bs=4k seek=1100 count=4 oflag=direct status=none' \
		'Input/output error'
	ok alpha 'tandemctl status r0 --json'
	grep -q '"disk_state":"failed"' <<<"$OUT" || fail "alpha's disk should say failed" "$OUT"
	grep -q '"disk_errors":[1-9]' <<<"$OUT" || fail "alpha should count the error" "$OUT"
	grep -qE '"first_disk_error":"20[0-9-]+T[0-9:]+Z"' <<<"$OUT" || fail "alpha should say when" "$OUT"
	ok alpha 'tandemctl status r0'
	grep -q 'disk errors' <<<"$OUT" || fail "status should show the errors" "$OUT"
	wait_field beta peer_disk_state failed
	ok alpha 'dmesg'
	grep -q 'the local disk failed a write at sector 8800: disk state failed' <<<"$OUT" ||
		fail "alpha should log the failure" "$OUT"
	ok alpha 'tandemctl dump-md r0 --disk /dev/mapper/disk --json | grep -o "\"flags\":\"[^\"]*\""'
	grep -qw consistent <<<"$OUT" && fail "alpha's metadata should no longer say consistent" "$OUT"

	step "the HA checks fail on alpha (OCF monitor: failed primary, no score; keepalived's check)"
	expect_eq "$(ha_checks alpha)" "ocf=9 score=none vrrp=1" "alpha's HA checks"
	expect_eq "$(field alpha connection)" connected "alpha's connection (pass-on: the session goes on)"
	ok alpha 'dd if=/dev/urandom of=/dev/tandem0 bs=4k seek=0 count=4 oflag=direct status=none'

	step "a failed disk is never a resync source: alpha writes alone, then both refuse to resync from it"
	ok beta 'tandemctl disconnect r0'
	wait_field alpha connection connecting
	ok alpha 'dd if=/dev/urandom of=/dev/tandem0 bs=4k seek=16 count=4 oflag=direct status=none'
	connect_res beta
	for vm in alpha beta; do
		on "$vm" 'for i in $(seq 80); do
			tandemctl status r0 | grep -q "last error .*the resync source.s disk has failed" && exit 0
			sleep 0.25
		done; exit 1' || fail "$vm should say why it does not resync" "$(on "$vm" 'tandemctl status r0')"
	done
	expect_eq "$(field beta disk_state)" uptodate "beta's disk"

	step "failover: alpha steps down, beta is promoted knowingly; alpha's disk repaired, it takes beta's data"
	ok alpha 'tandemctl secondary r0'
	ok beta 'tandemctl disconnect r0 && tandemctl primary r0 --force'
	ok beta 'dd if=/dev/urandom of=/dev/tandem0 bs=4k seek=1000 count=256 oflag=direct status=none'
	bad_range alpha
	ok alpha 'tandemctl disconnect r0'
	connect_res beta
	connect_res alpha --discard-my-data
	wait_field beta connection connected 30
	ok beta 'tandemctl wait-sync r0 --timeout 120'
	wait_field alpha disk_state uptodate
	ok alpha 'dmesg'
	grep -q 'the local disk is whole again' <<<"$OUT" || fail "alpha should say its disk recovered" "$OUT"
	wait_drained beta
	same_data "after the resync from beta"
}
