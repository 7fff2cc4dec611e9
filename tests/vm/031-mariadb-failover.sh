description="MariaDB on tandem (sync): the primary killed during a stream of commits; beta promoted holds every acknowledged commit, InnoDB recovers; alpha returns, resyncs before it may be promoted, fails back; verify finds no difference"
groups="ha fault"
requires="mariadbd mariadb mariadb-install-db mkfs.ext4"

DB=scripts/vm/mariadb.sh

run_test() {
	local acked rows missing t0 kib
	conf_pair_up
	ok alpha 'tandemctl primary r0 --force'
	wait_field beta disk_state uptodate

	step "alpha: ext4 on /dev/tandem0 as MariaDB's datadir; beta commits rows to it over the service network"
	ok alpha "$DB create"
	on beta "nohup $DB writer 10.0.0.1 1000000 > /tmp/acked 2> /tmp/writer.err &" >/dev/null
	for _ in $(seq 120); do
		acked=$(on beta 'wc -l < /tmp/acked')
		[ "$acked" -ge 200 ] && break
		sleep 0.5
	done
	[ "$acked" -ge 200 ] || fail "only $acked commits in 60 s" "$(on beta 'cat /tmp/writer.err')"

	step "power cut of alpha after $acked acknowledged commits, writes still flowing"
	"$PAIR" kill alpha
	t0=$SECONDS
	wait_field beta connection connecting 10
	on beta 'pkill -f "mariadb --unbuffered"; sleep 0.2' >/dev/null || true
	acked=$(on beta "grep -c '^[0-9]\+\$' /tmp/acked")

	step "beta: promoted without --force (its data is up to date), InnoDB recovers"
	ok beta 'tandemctl primary r0'
	ok beta "$DB start"
	step "failover took $((SECONDS - t0)) s from the kill (detection, promotion, mount, recovery)"
	ok beta "$DB rows > /tmp/rows && wc -l < /tmp/rows && comm -23 <(sort /tmp/acked | grep -x '[0-9]\+') <(sort /tmp/rows) | head"
	rows=$(head -n1 <<<"$OUT")
	missing=$(tail -n +2 <<<"$OUT")
	[ -z "$missing" ] || fail "acknowledged commits missing after the failover" "$missing"
	[ "$rows" -ge "$acked" ] || fail "$rows rows for $acked acknowledged commits"
	step "all $acked acknowledged commits are there ($rows rows: a commit may land without its acknowledgement)"
	ok beta "mariadb --socket=/run/mysqld/mysqld.sock -e 'INSERT INTO app.t (id) SELECT MAX(id) + 1 FROM app.t' && $DB rows | wc -l"
	rows=$OUT

	step "alpha returns: attached and connected, it must resync before it may be promoted"
	"$PAIR" restart alpha
	write_conf alpha
	ok alpha "modprobe tandem && TANDEM_CONFIG_DIR=$CONF tandemctl up r0"
	refused alpha 'tandemctl primary r0' 'not known to be up to date|resync to this node|peer is primary'
	wait_field alpha disk_state uptodate 120
	ok alpha 'dmesg | grep -o "resync target[^,]*, [0-9]* KiB out of sync"'
	step "alpha: $OUT"
	kib=$(grep -o '[0-9]* KiB' <<<"$OUT" | cut -d' ' -f1)
	[ "$kib" -le 262144 ] || fail "the resync back should be bounded by recent activity, not the disk" "$OUT"

	step "failback: beta stops MariaDB and steps down, alpha takes over with every row"
	ok beta "$DB stop && tandemctl secondary r0"
	ok alpha "tandemctl primary r0 && $DB start && $DB rows | wc -l"
	expect_eq "$OUT" "$rows" "rows on alpha after failback"
	ok alpha "$DB stop && tandemctl verify r0"
	grep -q ': 0 KiB differ' <<<"$OUT" || fail "verify after failback" "$OUT"
}
