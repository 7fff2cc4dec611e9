description="keepalived recipe with fencing (resource-and-stonith, the tandem-vrrp-fence-peer handler): the replication link alone is cut under a writer that fsyncs each line; alpha's writes wait until beta, asked over the service network, has outdated its data; alpha dies seconds later (inside the 10 s the old recipe left open): beta does not take over without alpha's last lines, and says why; alpha back, it resyncs beta, which then takes the service with every line alpha acknowledged; a power cut of the primary: the survivor's promotion finds it silent (taken as down, 7) and takes over"
groups="ha fault"
requires="keepalived mkfs.ext4 ss"

# The service: appends 1, 2, 3... to acked.log, each fsynced before it
# counts, in the VM's control directory (the host reads it after a power cut).
WRITER='i=0; while i=$((i + 1)); echo $i >> /mnt/svc/acked.log && sync /mnt/svc/acked.log; do echo $i > /run/ctl/acked; done'
FENCING="fencing resource-and-stonith; handlers { fence-peer $TDM_TOP/tools/ha/tandem-vrrp-fence-peer; }"

# vrrp_up VM PRIORITY: keepalived; the outdate listener on VM's service
# address, the peer's as FENCE_PEER; the writer stopped on a step-down.
vrrp_up() {
	local me=1 peer=2
	[ "$1" == alpha ] || { me=2; peer=1; }
	VRRP_STOP='pkill -f [/]tmp/acked-writer; sync' VRRP_MORE="FENCE_LISTEN=10.0.0.$me
FENCE_PEER=10.0.0.$peer" keepalived_up "$1" "$2"
	ok "$1" 'for i in $(seq 100); do ss -ltn | grep -q ":7790 " && exit 0; sleep 0.2; done; exit 1'
}

# resources VM: r0's files where the module's handler and tandem-vrrp find them.
resources() {
	ok "$1" "mkdir -p /etc/tandem && cp $CONF/r0.res $CONF/tandem.conf /etc/tandem/"
}

# writer VM: start the writer on VM; acked VM: the last line it acknowledged.
writer() { ok "$1" "setsid sh /tmp/acked-writer < /dev/null > /dev/null 2>&1 &"; }
acked() { cat "$TDM_BUILD/vm/$1/ctl/acked"; }

# has_lines VM N: acked.log on VM's /mnt/svc holds every line from 1 to N.
has_lines() {
	ok "$1" "sort -n /mnt/svc/acked.log | uniq | awk -v n=$2 'NR != \$1 { print \"missing\", NR; exit 1 } END { if (NR < n) { print \"only\", NR, \"of\", n; exit 1 } }'"
}

run_test() {
	local vm n m frozen took
	for vm in alpha beta; do
		ok "$vm" "printf '%s\n' '$WRITER' > /tmp/acked-writer"
	done
	conf_pair_up "" "$FENCING"
	resources alpha
	resources beta
	ok alpha 'tandemctl primary r0 --force && mkfs.ext4 -q -F /dev/tandem0 && tandemctl secondary r0'
	wait_field beta disk_state uptodate
	vrrp_up alpha 100
	wait_vip alpha
	vrrp_up beta 90

	step "the writer runs on alpha; the replication link alone is cut"
	writer alpha
	sleep 2
	ok alpha 'ip route add blackhole 10.99.0.2/32'
	ok beta 'ip route add blackhole 10.99.0.1/32'

	step "alpha's writes wait for the fence; beta, asked over the service network, outdates its data"
	wait_field alpha fence_result peer-outdated 30
	expect_eq "$(field beta disk_state)" outdated "beta's disk once alpha's handler answered"
	expect_eq "$(field alpha suspended)" "" "alpha's writes after the fence"
	ok alpha 'dmesg | grep -E "writes frozen until it is fenced|writes resume"'
	[ "$(grep -c . <<<"$OUT")" = 2 ] || fail "alpha should freeze its writes, then resume them" "$OUT"
	frozen=$(awk -F'[][]' 'NR == 1 { t = $2 } NR == 2 { match($3, /[0-9]+ held/)
		printf "%.1f s (%s)", $2 - t, substr($3, RSTART, RLENGTH) }' <<<"$OUT")
	ok alpha 'grep "fence-peer: exit 4" /run/tandem-vrrp-r0.log'
	ok beta 'grep "10.0.0.1 asks this node to outdate its data" /run/syslog'
	n=$(acked alpha)
	sleep 1
	[ "$(acked alpha)" -gt "$n" ] || fail "alpha's writer should go on once beta is outdated"

	step "alpha's power is cut: beta does not take over without alpha's last lines"
	"$PAIR" kill alpha
	n=$(acked alpha)
	sleep 8
	has_vip beta && fail "beta took over with outdated data" "$(on beta 'cat /run/tandem-vrrp-r0.log')"
	expect_eq "$(field beta role)" secondary "beta's role with outdated data"
	refused beta 'tandemctl primary r0' 'outdated'

	step "alpha back, the link back: alpha resyncs beta, which takes the service with all $n lines"
	ok beta 'ip route del blackhole 10.99.0.1/32'
	"$PAIR" restart alpha
	write_conf alpha "" "$FENCING"
	resources alpha
	ok alpha "modprobe tandem && tandemctl up r0 && tandemctl wait-sync r0 --timeout 120"
	wait_vip beta
	has_lines beta "$n"

	step "a power cut of beta, now primary, under the writer: alpha's promotion finds beta silent, takes over"
	ok alpha "printf '%s\n' '$WRITER' > /tmp/acked-writer"
	vrrp_up alpha 100
	writer beta
	sleep 2
	took=$SECONDS
	"$PAIR" kill beta
	m=$(acked beta)
	[ "$m" -gt 0 ] || fail "beta's writer acknowledged nothing"
	wait_vip alpha
	took=$((SECONDS - took))
	ok alpha 'grep "fence-peer: exit 7" /run/tandem-vrrp-r0.log'
	has_lines alpha "$m"
	echo "   link cut: alpha's writes frozen for $frozen; beta outdated, alpha killed, beta stayed out;"
	echo "   alpha back had all $n lines it acknowledged, beta served them"
	echo "   power cut: alpha served within $took s, with all $m lines beta acknowledged"
	ok alpha 'kill $(cat /run/keepalived.pid)'
}
