description="keepalived recipe: the virtual IP and the mount follow the primary; the primary killed, beta takes over; alpha back is kept out (track script) until resynced and does not preempt; a planned switch-over; a backup cut off from its primary's replication link outdates itself and does not take over stale data"
groups="ha fault"
requires="keepalived mkfs.ext4"

run_test() {
	conf_pair_up
	ok alpha 'tandemctl primary r0 --force && mkfs.ext4 -q -F /dev/tandem0 && tandemctl secondary r0'

	step "keepalived on both: alpha (first, priority 100) takes the address, promotes and mounts"
	keepalived_up alpha 100
	wait_vip alpha
	keepalived_up beta 90
	sleep 3
	has_vip beta && fail "beta should be backup"
	expect_eq "$(field alpha role)" primary "alpha's role"
	expect_eq "$(field beta role)" secondary "beta's role"
	ok alpha 'echo "written on alpha" > /mnt/svc/note && sync'

	step "power cut of alpha: beta takes the address and the data"
	"$PAIR" kill alpha
	wait_vip beta
	ok beta 'cat /mnt/svc/note; ls /mnt/svc'
	grep -q "written on alpha" <<<"$OUT" || fail "alpha's file on beta" "$OUT"
	grep -q "served-by-beta" <<<"$OUT" || fail "beta's service should have started" "$OUT"
	ok beta 'echo "written on beta" > /mnt/svc/note2 && sync'

	step "alpha returns: FAULT (its data is not known up to date) until resynced, then backup: no preemption"
	"$PAIR" restart alpha
	write_conf alpha
	ok alpha "modprobe tandem && TANDEM_CONFIG_DIR=$CONF tandemctl attach r0"
	keepalived_up alpha 100
	sleep 4
	has_vip alpha && fail "alpha took the address with stale data"
	expect_eq "$(field alpha role)" secondary "alpha's role before its resync"
	ok alpha "TANDEM_CONFIG_DIR=$CONF tandemctl connect r0 && tandemctl wait-sync r0 --timeout 60"
	sleep 4
	has_vip alpha && fail "alpha preempted beta (nopreempt)"
	has_vip beta || fail "beta should still hold the address"

	step "planned switch-over: keepalived stopped on beta, tandem-vrrp hands over, alpha takes the service"
	ok beta "kill \$(cat /run/keepalived.pid); while [ -e /run/keepalived.pid ]; do sleep 0.1; done;
		tools/ha/tandem-vrrp r0 stop"
	wait_vip alpha
	ok alpha 'cat /mnt/svc/note2'
	expect_eq "$OUT" "written on beta" "beta's file on alpha"
	expect_eq "$(field beta role)" secondary "beta's role after the switch-over"

	step "the replication link alone fails: beta, still hearing alpha on VRRP, outdates its data"
	keepalived_up beta 90
	sleep 3
	ok beta 'ip route add blackhole 10.99.0.1/32'
	ok alpha 'echo "written on alpha after the cut" > /mnt/svc/note3 && sync'
	wait_field beta disk_state outdated 60
	ok beta 'grep "data outdated" /run/tandem-vrrp-r0.log'
	step "alpha's power is cut: beta does not take over with data that lacks alpha's last writes"
	"$PAIR" kill alpha
	sleep 10
	has_vip beta && fail "beta took over with outdated data" "$(on beta 'cat /run/tandem-vrrp-r0.log')"
	expect_eq "$(field beta role)" secondary "beta's role with outdated data"
	refused beta 'tandemctl primary r0' 'outdated'
}
