description="disconnect while the peer has gone silent returns at once, the connection thread leaving its socket wait"
groups="replicate fault"
requires="tc"

run_test() {
	local t0 t1
	pair_up sync
	step "beta's replication link drops everything; alpha disconnects at once"
	ok beta 'modprobe sch_netem && tc qdisc add dev eth1 root netem loss 100%'
	ok alpha 't0=$(date +%s%N); timeout 60 tandemctl disconnect r0; rc=$?; echo "$rc $((($(date +%s%N) - t0) / 1000000))"'
	read -r rc ms <<<"$OUT"
	step "disconnect: exit $rc after $ms ms"
	expect_eq "$rc" 0 "disconnect's exit code"
	[ "$ms" -lt 10000 ] || fail "disconnect took $ms ms"
	expect_eq "$(field alpha connection)" standalone "alpha's connection"
	ok beta 'tc qdisc del dev eth1 root'
}
