description="MariaDB on tandem (sync) under Heartbeat (haresources, the original setup): tandemdisk, Filesystem, MariaDB and the virtual IP start on alpha; alpha's power cut during a stream of commits, beta takes over with every acknowledged commit (InnoDB recovers); alpha returns, cannot be promoted before it has resynced (bounded by recent activity), stands by; a planned failback (hb_standby) moves the service back with every row; verify finds no difference"
groups="ha fault"
requires="mariadbd mariadb mariadb-install-db mkfs.ext4 /usr/libexec/heartbeat/heartbeat"

DB=scripts/vm/mariadb.sh
HB=scripts/vm/heartbeat.sh

# serving VM: wait until VM holds the virtual IP with MariaDB answering on it.
serving() {
	local i
	for ((i = 0; i < 240; i++)); do
		on "$1" "$HB serving" && return 0
		sleep 0.5
	done
	fail "$1 did not take the service in 120 s" "$(on "$1" "tandemctl status r0; $HB log | tail -n 40")"
}

run_test() {
	local acked rows missing t0 kib
	conf_pair_up
	ok alpha "tandemctl primary r0 --force && $DB create && $DB stop && tandemctl secondary r0"
	wait_field alpha peer_disk_state uptodate

	step "Heartbeat on both: alpha, first in haresources, takes the group"
	ok_both "$HB setup"
	ok alpha "$HB start"
	ok beta "$HB start"
	serving alpha
	expect_eq "$(field alpha role)" primary "alpha's role under Heartbeat"
	expect_eq "$(field beta role)" secondary "beta's role under Heartbeat"

	step "beta commits rows through the virtual IP"
	on beta "nohup $DB writer $VIP 1000000 > /tmp/acked 2> /tmp/writer.err &" >/dev/null
	for _ in $(seq 120); do
		acked=$(on beta 'wc -l < /tmp/acked')
		[ "$acked" -ge 200 ] && break
		sleep 0.5
	done
	[ "$acked" -ge 200 ] || fail "only $acked commits in 60 s" "$(on beta 'cat /tmp/writer.err')"

	step "power cut of alpha after $acked acknowledged commits: Heartbeat on beta takes over"
	"$PAIR" kill alpha
	t0=$SECONDS
	serving beta
	step "beta serves $((SECONDS - t0)) s after the power cut (deadtime 10 s, then the group's start)"
	on beta 'pkill -f "mariadb --unbuffered"; sleep 0.2' >/dev/null || true
	acked=$(on beta "grep -c '^[0-9]\+\$' /tmp/acked")
	ok beta "$DB rows > /tmp/rows && wc -l < /tmp/rows && comm -23 <(sort /tmp/acked | grep -x '[0-9]\+') <(sort /tmp/rows) | head"
	rows=$(head -n1 <<<"$OUT")
	missing=$(tail -n +2 <<<"$OUT")
	[ -z "$missing" ] || fail "acknowledged commits missing after the failover" "$missing"
	[ "$rows" -ge "$acked" ] || fail "$rows rows for $acked acknowledged commits"
	step "all $acked acknowledged commits are there ($rows rows)"
	ok beta "mariadb -h $VIP -u app -papp app -e 'INSERT INTO t (id) SELECT MAX(id) + 1 FROM t' && $DB rows | wc -l"
	rows=$OUT

	step "alpha returns, Heartbeat started: standby (auto_failback off), resyncs; beta keeps the service"
	"$PAIR" restart alpha
	write_conf alpha
	ok alpha "modprobe tandem && TANDEM_CONFIG_DIR=$CONF tandemctl up r0"
	refused alpha 'tandemctl primary r0' 'not known to be up to date|resync to this node|peer is primary'
	ok alpha "$HB setup && $HB start"
	wait_field alpha disk_state uptodate 120
	ok alpha 'dmesg | grep -o "resync target[^,]*, [0-9]* KiB out of sync"'
	step "alpha: $OUT"
	kib=$(grep -o '[0-9]* KiB' <<<"$OUT" | cut -d' ' -f1)
	[ "$kib" -le 262144 ] || fail "the resync back should be bounded by recent activity, not the disk" "$OUT"
	sleep 5
	expect_eq "$(field alpha role)" secondary "alpha's role back under Heartbeat"
	on beta "$HB serving" || fail "beta lost the service when alpha came back" "$(on beta "$HB log | tail -n 30")"

	step "planned failback: hb_standby on beta, alpha takes the group"
	t0=$SECONDS
	ok beta "$HB standby"
	serving alpha
	step "alpha serves $((SECONDS - t0)) s after hb_standby on beta"
	ok alpha "mariadb -h $VIP -u app -papp app -N -e 'SELECT COUNT(*) FROM t'"
	expect_eq "$OUT" "$rows" "rows on alpha after failback"
	expect_eq "$(field beta role)" secondary "beta's role after the failback"
	ok alpha 'tandemctl verify r0'
	grep -q ': 0 KiB differ' <<<"$OUT" || fail "verify after failback" "$OUT"
}
