description="MariaDB on tandem under keepalived with fencing (resource-and-stonith, the tandem-vrrp-fence-peer handler): an outdate request while connected is answered 5 at once and never acted on later, and a connected node does not ask; the replication link alone is cut during a stream of commits; alpha's writes wait until beta, asked over the service network, has outdated its data; alpha dies seconds later (inside the 10 s the old recipe left open): beta does not take over without alpha's last commits, and says why; alpha back, it resyncs beta, which then serves every commit alpha acknowledged; a power cut of the primary during commits: the survivor's promotion finds it silent (taken as down, 7), takes over with every acknowledged commit"
groups="ha fault"
requires="keepalived mariadbd mariadb mkfs.ext4 ss"

DB=$TDM_TOP/scripts/vm/mariadb.sh
FENCING="fencing resource-and-stonith; handlers { fence-peer $TDM_TOP/tools/ha/tandem-vrrp-fence-peer; }"

# vrrp_up VM PRIORITY: keepalived serving MariaDB; the outdate listener on
# VM's service address, the peer's as FENCE_PEER.
vrrp_up() {
	local me=1 peer=2
	[ "$1" == alpha ] || { me=2; peer=1; }
	ok "$1" "$DB warm"
	VRRP_MOUNT=/var/lib/mysql VRRP_START="$DB serve" VRRP_STOP="$DB halt" \
		VRRP_MORE="FENCE_LISTEN=10.0.0.$me
FENCE_PEER=10.0.0.$peer" keepalived_up "$1" "$2"
	ok "$1" 'for i in $(seq 100); do ss -ltn | grep -q ":7790 " && exit 0; sleep 0.2; done; exit 1'
}

# resources VM: r0's files where the module's handler and tandem-vrrp find them.
resources() {
	ok "$1" "mkdir -p /etc/tandem && cp $CONF/r0.res $CONF/tandem.conf /etc/tandem/"
}

# writer VM FIRST: commits through the virtual IP from VM, ids from FIRST on,
# each acknowledged id in VM's /tmp/acked; acked VM: how many so far.
writer() { on "$1" "nohup $DB writer $VIP 10000000 $2 > /tmp/acked 2> /tmp/writer.err &" >/dev/null; }
acked() { on "$1" "grep -c '^[0-9]\+\$' /tmp/acked"; }

# wait_acked VM N: VM's writer has N acknowledged commits.
wait_acked() {
	local i
	for ((i = 0; i < 240; i++)); do
		[ "$(acked "$1")" -ge "$2" ] && return 0
		sleep 0.25
	done
	fail "$1's writer did not reach $2 commits" "$(on "$1" 'tail -n 3 /tmp/acked /tmp/writer.err')"
}

# has_commits VM FROM: VM's MariaDB has every id FROM's writer saw acknowledged.
has_commits() {
	local vm=$1 from=$2 missing
	on "$from" "grep -x '[0-9]\+' /tmp/acked" > "$TDM_BUILD/vm/acked.ids"
	ok "$vm" "$DB rows | sort > /tmp/rows; wc -l < /tmp/rows"
	missing=$(sort "$TDM_BUILD/vm/acked.ids" | comm -23 - <(on "$vm" 'cat /tmp/rows') | head)
	[ -z "$missing" ] || fail "commits $from saw acknowledged are missing on $vm" "$missing"
}

run_test() {
	local n m frozen took
	conf_pair_up "" "$FENCING"
	resources alpha
	resources beta
	ok alpha "tandemctl primary r0 --force && $DB create && $DB stop && tandemctl secondary r0"
	wait_field beta disk_state uptodate
	vrrp_up alpha 100
	wait_vip alpha
	vrrp_up beta 90

	step "a request while beta is connected: answered 5 at once, never acted on later"
	ok alpha "python3 $TDM_TOP/tests/vm/helpers/fence-request.py 10.0.0.2 r0 $CONF/r0.secret 5"
	expect_eq "$OUT" "answer 5 the peer is still connected to this node" "beta's answer while connected"
	ok alpha "tandemctl fence-peer r0 --address 10.0.0.2; echo rc=\$?"
	grep -q "connected to the peer again: not asking it" <<<"$OUT" && grep -qx "rc=5" <<<"$OUT" ||
		fail "alpha, connected, should not ask beta at all" "$OUT"
	expect_eq "$(field beta disk_state)" uptodate "beta's disk after requests while connected"

	step "beta commits rows through the virtual IP; the replication link alone is cut"
	writer beta 1
	wait_acked beta 50
	ok alpha 'ip route add blackhole 10.99.0.2/32'
	ok beta 'ip route add blackhole 10.99.0.1/32'

	step "alpha's writes wait for the fence; beta, asked over the service network, outdates its data"
	wait_field alpha fence_result peer-outdated 30
	expect_eq "$(field beta disk_state)" outdated "beta's disk once alpha's handler answered"
	expect_eq "$(field alpha suspended)" "" "alpha's writes after the fence"
	# A loaded host may drop and remake the session before the cut: each
	# loss froze the writes until the peer was back. The cut's: fenced.
	ok alpha 'dmesg | grep -E "writes frozen until it is fenced|writes resume"'
	frozen=$(awk -F'[][]' '/writes frozen/ { t = $2 } /writes resume .*: the peer is fenced/ {
		match($3, /[0-9]+ held/); printf "%.1f s (%s)", $2 - t, substr($3, RSTART, RLENGTH); exit }' <<<"$OUT")
	[ -n "$frozen" ] || fail "alpha should freeze its writes, then resume them once beta is fenced" "$OUT"
	ok alpha 'grep "fence-peer: exit 4" /run/tandem-vrrp-r0.log'
	ok beta 'grep "10.0.0.1 asks this node to outdate its data" /run/syslog'
	n=$(acked beta)
	wait_acked beta $((n + 10))

	step "alpha's power is cut: beta does not take over without alpha's last commits"
	"$PAIR" kill alpha
	sleep 8
	n=$(acked beta)
	has_vip beta && fail "beta took over with outdated data" "$(on beta 'cat /run/tandem-vrrp-r0.log')"
	expect_eq "$(field beta role)" secondary "beta's role with outdated data"
	refused beta 'tandemctl primary r0' 'outdated'

	step "alpha back, the link back: alpha resyncs beta, which takes the service with all $n commits"
	ok beta 'ip route del blackhole 10.99.0.1/32'
	"$PAIR" restart alpha
	write_conf alpha "" "$FENCING"
	resources alpha
	ok alpha "modprobe tandem && tandemctl up r0 && tandemctl wait-sync r0 --timeout 120"
	wait_vip beta
	has_commits beta beta

	step "a power cut of beta, now primary, during commits: alpha's promotion finds beta silent, takes over"
	vrrp_up alpha 100
	writer alpha 1000000
	wait_acked alpha 30
	took=$SECONDS
	"$PAIR" kill beta
	wait_vip alpha
	took=$((SECONDS - took))
	m=$(acked alpha)
	ok alpha 'grep "fence-peer: exit 7" /run/tandem-vrrp-r0.log'
	has_commits alpha alpha
	echo "   link cut: alpha's writes frozen for $frozen, beta outdated; alpha killed: beta stayed out;"
	echo "   alpha back resynced beta, which served all $n commits beta's client saw acknowledged"
	echo "   power cut of beta: alpha served within $took s, with all $m acknowledged commits"
	ok alpha 'kill $(cat /run/keepalived.pid)'
}
