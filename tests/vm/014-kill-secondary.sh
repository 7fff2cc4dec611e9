description="the secondary VM is killed mid-write in sync mode: the primary's writes go on, none hangs"
groups="fault"
requires="fio"

run_test() {
	pair_up sync
	step "fio on alpha for 20 s; beta is killed after 5 s"
	"$PAIR" run alpha 'fio --name=w --filename=/dev/tandem0 --direct=1 --ioengine=libaio --rw=randwrite \
		--bs=4k --iodepth=16 --size=256m --time_based --runtime=20 --output-format=terse \
		--terse-version=3 | cut -d";" -f1,49 > /tmp/fio.out; echo done >> /tmp/fio.out' &
	fio_pid=$!
	sleep 5
	"$PAIR" kill beta
	t0=$SECONDS
	wait $fio_pid || fail "fio failed on alpha" "$(on alpha 'cat /tmp/fio.out; dmesg | tail -20')"
	step "fio finished $((SECONDS - t0)) s after the kill"
	ok alpha 'cat /tmp/fio.out'
	grep -q done <<<"$OUT" || fail "fio did not finish" "$OUT"
	expect_eq "$(field alpha connection)" connecting "alpha's connection after the kill"
	expect_eq "$(field alpha peer_disk_state)" outdated "beta's data, seen from alpha"
	ok alpha 'tandemctl status r0 --json'
	grep -q '"pending":0,"unacked":0' <<<"$OUT" || grep -q '"pending":0' <<<"$OUT" || fail "requests left in flight" "$OUT"
	ok alpha 'dd if=/dev/urandom of=/dev/tandem0 bs=4k count=10 oflag=direct status=none && echo writes go on'
}
