description="the secondary loses power and boots again while the primary writes on: only the changed blocks move"
groups="fault resync"
requires=""

run_test() {
	pair_up sync
	ok alpha 'dd if=/dev/urandom of=/dev/tandem0 bs=1M count=32 oflag=direct status=none'
	wait_drained
	step "power cut of beta, the secondary; alpha writes 24 MiB alone"
	"$PAIR" kill beta
	wait_field alpha connection connecting 10
	ok alpha 'dd if=/dev/urandom of=/dev/tandem0 bs=1M count=24 seek=600 oflag=direct status=none'
	step "beta boots again, attaches and connects: the resync moves the 24 MiB"
	"$PAIR" restart beta
	ok beta 'modprobe tandem && tandemctl attach r0 --minor 0 --disk /dev/vda && tandemctl status r0 --json'
	grep -q '"disk_state":"consistent"' <<<"$OUT" || fail "beta after the reboot: consistent, not yet known up to date" "$OUT"
	connect_res beta
	ok alpha 'tandemctl wait-sync r0 --timeout 120'
	n=$(synced_mib alpha)
	[ "$n" -ge 24 ] && [ "$n" -le 28 ] || fail "the resync should move about 24 MiB, moved '$n' MiB"
	same_data "after the secondary's reboot"
}
