description="power cut of the primary mid-write (sync): every acknowledged write is on the secondary; the old primary comes back to the promoted survivor (still primary, no write yet) and is resynced from it, bounded by its activity log"
groups="fault resync"
requires="fio"

SEQ_OFF=268435456	# 256 MiB: the sequence writer's 8 MiB of slots
SEQ_SLOTS=2048

# last_acked: the last complete line of the writer's log, kept on the host side.
last_acked() {
	local log=$TDM_BUILD/vm/beta/ctl/seq.log
	[ -s "$log" ] || { echo 0; return; }
	if [ -z "$(tail -c1 "$log")" ]; then tail -n1 "$log"; else tail -n2 "$log" | head -n1; fi
}

run_test() {
	pair_up sync
	step "beta becomes primary (beta's VM is the one the harness can boot again)"
	ok alpha 'tandemctl secondary r0'
	wait_field beta peer_role secondary
	ok beta 'tandemctl primary r0'

	step "beta: random writes on 64 MiB and acknowledged sequence writes, then a power cut"
	ok beta "(nohup fio --name=load --filename=/dev/tandem0 --direct=1 --ioengine=libaio --rw=randwrite \
		--bsrange=4k-64k --iodepth=16 --offset=512m --size=64m --time_based --runtime=600 >/dev/null 2>&1 &)
		(nohup seqwrite write /dev/tandem0 $SEQ_OFF $SEQ_SLOTS /run/ctl/seq.log >/dev/null 2>&1 &)
		sleep 8"
	"$PAIR" kill beta
	last=$(last_acked)
	[ "$last" -ge 20 ] || fail "too few acknowledged writes before the power cut: '$last'"
	step "power cut after $last acknowledged sequence writes"

	step "alpha sees the peer gone, is promoted, and holds every acknowledged write"
	wait_field alpha connection connecting 10
	ok alpha "tandemctl primary r0 && seqwrite check /dev/tandem0 $SEQ_OFF $SEQ_SLOTS $last"
	step "$OUT"

	step "beta boots again: attach finds the crash; alpha, primary, resyncs beta's logged extents only"
	"$PAIR" restart beta
	ok beta 'modprobe tandem && tandemctl attach r0 --minor 0 --disk /dev/vda && dmesg | grep "went down as primary"'
	grep -q 'extents of its activity log' <<<"$OUT" || fail "beta should mark its activity log" "$OUT"
	connect_res beta
	ok beta 'tandemctl wait-sync r0 --timeout 120'
	expect_eq "$(field alpha role)" primary "alpha's role after the resync"
	n=$(synced_mib alpha)
	[ "$n" -gt 0 ] && [ "$n" -le 100 ] || fail "the resync should copy the logged extents (<= 100 MiB), copied '$n' MiB"
	step "resync after the crash: $n MiB"
	same_data "after the crash and resync"
}
