description="MariaDB on tandem (sync) under Pacemaker + Corosync (tools/ha/pacemaker.crm.example): the tandem OCF agent as a promotable clone, Filesystem, MariaDB and the virtual IP on the promoted node, STONITH through the host (fence_qemu); the serving node's power cut during a stream of commits: the survivor fences it (recorded by Pacemaker and by the host's switch), is promoted and serves every acknowledged commit; the fenced node boots, rejoins, resyncs and stands by; a planned switch-over moves the service back with every row; then the replication link alone is cut: the primary's fence-peer handler (tandem-crm-fence-peer, resource-only) places a constraint and the secondary's promotion score is -INFINITY; the link back, the resync removes the constraint; verify finds no difference"
groups="ha fault"
requires="mariadbd mariadb mkfs.ext4 corosync pacemakerd crm cibadmin crm_simulate stonith_admin /usr/lib/ocf/resource.d/heartbeat/Filesystem"

DB=scripts/vm/mariadb.sh
PM=scripts/vm/pacemaker.sh
CIB=$TDM_BUILD/vm/cib
# Constraint-based fencing, as the README's Pacemaker recipe has it.
FENCE_PEER=$TDM_TOP/tools/ha/tandem-crm-fence-peer
FENCING="fencing resource-only; handlers { fence-peer $FENCE_PEER; after-resync-target $FENCE_PEER; }"
CONSTRAINT="//rsc_location[@id='tandem-fence-r0']"

# serving VM [SECONDS]: wait until VM holds the virtual IP with MariaDB answering on it.
serving() {
	local i
	for ((i = 0; i < ${2:-120} * 2; i++)); do
		on "$1" "$PM serving" && return 0
		sleep 0.5
	done
	fail "$1 did not take the service in ${2:-120} s" "$(on "$1" "tandemctl status r0; crm_mon -1; $PM log | tail -n 40")"
}

# holder: HOLDER, the node serving now (the cluster chose it).
holder() {
	local i vm
	for ((i = 0; i < 480; i++)); do
		for vm in alpha beta; do
			on "$vm" "$PM serving" && { HOLDER=$vm; return 0; }
		done
		sleep 0.5
	done
	fail "no node took the service in 240 s" "$(on alpha "crm_mon -1; $PM log | tail -n 40")"
}

run_test() {
	local acked rows missing t0 kib p s
	conf_pair_up "" "$FENCING"
	ok alpha "tandemctl primary r0 --force && $DB create && $DB stop && tandemctl secondary r0"
	wait_field alpha peer_disk_state uptodate

	step "corosync and Pacemaker on both; the configuration loaded"
	"$TDM_TOP/$PM" cib "$CONF" "$CIB" || fail "crm could not read tools/ha/pacemaker.crm.example"
	fencer_start
	ok_both "$PM setup && $PM start"
	ok alpha "$PM configure $CIB"
	holder
	p=$HOLDER
	s=$(peer_of "$p")
	step "$p promoted and serving; $s stands by"
	expect_eq "$(field "$p" role)" primary "$p's role under Pacemaker"
	expect_eq "$(field "$s" role)" secondary "$s's role under Pacemaker"

	step "$s commits rows through the virtual IP"
	on "$s" "nohup $DB writer $VIP 1000000 > /tmp/acked 2> /tmp/writer.err &" >/dev/null
	for _ in $(seq 120); do
		acked=$(on "$s" 'wc -l < /tmp/acked')
		[ "$acked" -ge 200 ] && break
		sleep 0.5
	done
	[ "$acked" -ge 200 ] || fail "only $acked commits in 60 s" "$(on "$s" 'cat /tmp/writer.err')"

	step "power cut of $p after $acked acknowledged commits: $s fences it, is promoted, serves"
	on "$s" 'date +%s.%N > /tmp/t0' >/dev/null
	"$PAIR" kill "$p"
	t0=$SECONDS
	serving "$s" 180
	step "$s serves $((SECONDS - t0)) s after the power cut; its steps:"
	on "$s" "$PM timeline \$(cat /tmp/t0)"
	ok "$s" "stonith_admin --history $p"
	grep -q "off of $p successful\|successful.*off.*$p\|$p was able to" <<<"$OUT" ||
		grep -qi "off.*$p.*success\|success.*off.*$p" <<<"$OUT" ||
		fail "Pacemaker has no successful fencing of $p" "$OUT"
	grep -q " off $p " "$TDM_BUILD/vm/fencer.log" || fail "the host's switch did not power $p off" "$(cat "$TDM_BUILD/vm/fencer.log" 2>&1)"

	on "$s" 'pkill -f "mariadb --unbuffered"; sleep 0.2' >/dev/null || true
	acked=$(on "$s" "grep -c '^[0-9]\+\$' /tmp/acked")
	ok "$s" "$DB rows > /tmp/rows && wc -l < /tmp/rows && comm -23 <(sort /tmp/acked | grep -x '[0-9]\+') <(sort /tmp/rows) | head"
	rows=$(head -n1 <<<"$OUT")
	missing=$(tail -n +2 <<<"$OUT")
	[ -z "$missing" ] || fail "acknowledged commits missing after the failover" "$missing"
	[ "$rows" -ge "$acked" ] || fail "$rows rows for $acked acknowledged commits"
	step "all $acked acknowledged commits are there ($rows rows)"
	ok "$s" "mariadb -h $VIP -u app -papp app -e 'INSERT INTO t (id) SELECT MAX(id) + 1 FROM t' && $DB rows | wc -l"
	rows=$OUT

	step "$p boots again and rejoins: tandem started by Pacemaker, resyncs, stands by"
	"$PAIR" restart "$p"
	write_conf "$p" "" "$FENCING"
	ok "$p" "$PM setup && $PM start"
	wait_field "$p" disk_state uptodate 180
	ok "$p" 'dmesg | grep -o "resync target[^,]*, [0-9]* KiB out of sync"'
	step "$p: $OUT"
	kib=$(grep -o '[0-9]* KiB' <<<"$OUT" | cut -d' ' -f1)
	[ "$kib" -le 262144 ] || fail "the resync back should be bounded by recent activity, not the disk" "$OUT"
	expect_eq "$(field "$p" role)" secondary "$p's role after it rejoined"
	on "$s" "$PM serving" || fail "$s lost the service when $p came back" "$(on "$s" "crm_mon -1; $PM log | tail -n 30")"

	step "planned switch-over: the service moved away from $s, $p takes it"
	t0=$SECONDS
	on "$s" "$PM standby" || fail "$s did not hand the service over" "$(on "$p" "crm_mon -1; $PM log | tail -n 60"; cat "$TDM_BUILD/vm/fencer.log")"
	serving "$p"
	step "$p serves $((SECONDS - t0)) s after the move was asked"
	ok "$p" "mariadb -h $VIP -u app -papp app -N -e 'SELECT COUNT(*) FROM t'"
	expect_eq "$OUT" "$rows" "rows on $p after the switch-over"
	expect_eq "$(field "$s" role)" secondary "$s's role after the switch-over"

	step "the replication link alone is cut: $p's handler places a constraint, $s cannot be promoted"
	ok "$s" 'ip link set eth1 down'
	wait_field "$p" fence_result peer-outdated 60
	ok "$p" "cibadmin --query --xpath \"$CONSTRAINT\""
	ok "$p" "mariadb -h $VIP -u app -papp app -e 'INSERT INTO t (id) SELECT MAX(id) + 1 FROM t' && $DB rows | wc -l"
	rows=$OUT
	ok "$s" "crm_simulate --live-check --show-scores 2>/dev/null | grep 'r0:.* promotion score on $s:'"
	grep -q -- '-INFINITY' <<<"$OUT" || fail "$s may be promoted with data older than $p's" "$OUT"
	step "$s's promotion score while cut off: ${OUT##*: }; $p goes on serving"
	on "$p" "$PM serving" || fail "$p lost the service" "$(on "$p" "crm_mon -1")"

	step "the link is back: $s resyncs, the constraint goes"
	ok "$s" 'ip link set eth1 up'
	wait_field "$s" disk_state uptodate 120
	for _ in $(seq 120); do
		on "$p" "cibadmin --query --xpath \"$CONSTRAINT\"" >/dev/null 2>&1 || break
		sleep 0.5
	done
	on "$p" "cibadmin --query --xpath \"$CONSTRAINT\"" >/dev/null 2>&1 &&
		fail "the constraint is still there after the resync" "$(on "$s" "grep tandem-crm-fence-peer /run/syslog; tandemctl status r0")"
	ok "$p" "mariadb -h $VIP -u app -papp app -N -e 'SELECT COUNT(*) FROM t'"
	expect_eq "$OUT" "$rows" "rows on $p"
	ok "$p" 'tandemctl verify r0'
	grep -q ': 0 KiB differ' <<<"$OUT" || fail "verify after the resync" "$OUT"
}
