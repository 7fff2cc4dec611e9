description="fencing: a sync primary that loses its up-to-date peer runs the fence-peer handler with the resource in its environment; resource-only records its answer while writes go on; under resource-and-stonith no write completes until the handler says the peer is fenced (7: writes go on by themselves), the admin runs resume-io (5) or demotes the node; a handler that hangs blocks nothing else, and detach ends it; a secondary promoted without its peer fences it first"
groups="fault ha"

# The handler: records its environment and pid, then exits with the code
# the test writes to /tmp/fence.rc (it waits for it).
HANDLER='cat > /tmp/fence-peer <<"EOF"
#!/bin/sh
env | grep ^TANDEM_ | sort > /tmp/fence.env
echo $$ > /tmp/fence.pid
while [ ! -s /tmp/fence.rc ]; do sleep 0.1; done
rc=$(cat /tmp/fence.rc)
rm -f /tmp/fence.rc
exit $rc
EOF
chmod +x /tmp/fence-peer && rm -f /tmp/fence.*'
FENCE="--fence-peer /tmp/fence-peer --timeout 1500"

# A writer on alpha: 4 KiB synchronous writes, one after another;
# /tmp/acked holds how many completed (replaced whole, never read half-written).
start_writer() {
	ok alpha 'echo 0 > /tmp/acked; (nohup sh -c "i=0; while dd if=/dev/urandom of=/dev/tandem0 bs=4k seek=\$((i % 25600)) count=1 oflag=direct,dsync status=none; do i=\$((i + 1)); echo \$i > /tmp/acked.new; mv /tmp/acked.new /tmp/acked; done" > /dev/null 2>&1 &)'
}
acked() { on alpha 'cat /tmp/acked'; }

# grows WHAT: alpha's writer completes writes within 5 s.
grows() {
	local a i
	a=$(acked)
	for ((i = 0; i < 20; i++)); do
		sleep 0.25
		[ "$(acked)" -gt "$a" ] && return 0
	done
	fail "$1: no write completed in 5 s ($a acked)" "$(on alpha 'tandemctl status r0; dmesg | tail -n 20')"
}

# held FOR: no write completes for FOR seconds.
held() {
	local a b
	a=$(acked)
	sleep "$1"
	b=$(acked)
	expect_eq "$b" "$a" "writes acknowledged while frozen"
}

# cut: the replication link down on alpha, until reconnect.
cut() { ok alpha 'ip link set eth1 down'; }
reconnect() {
	ok alpha 'ip link set eth1 up'
	wait_field alpha connection connected 30
	ok alpha 'tandemctl wait-sync r0 --timeout 120'
}

run_test() {
	ok alpha "$HANDLER"
	pair_up sync /dev/vda --fencing resource-only $FENCE
	ok alpha 'tandemctl status r0 -v | grep -c "fencing *resource-only, fence-peer /tmp/fence-peer"'
	expect_eq "$OUT" 1 "fencing in status -v"
	start_writer
	grows "connected"

	step "resource-only: the link is cut; the handler runs while writes go on"
	cut
	wait_field alpha fence_result running 15
	grows "resource-only, handler running"
	ok alpha 'cat /tmp/fence.env'
	expect_eq "$(echo $OUT)" "TANDEM_FENCING=resource-only TANDEM_MINOR=0 TANDEM_PEER_ADDRESS=10.99.0.2 TANDEM_RESOURCE=r0" \
		"the handler's environment"
	ok alpha 'echo 5 > /tmp/fence.rc'
	wait_field alpha fence_result peer-unreachable
	expect_eq "$(field alpha suspended)" "" "writes suspended under resource-only"
	reconnect

	step "resource-and-stonith: reconnect with it (the disconnect runs the handler too: 4)"
	ok alpha 'echo 4 > /tmp/fence.rc && tandemctl disconnect r0'
	wait_field alpha fence_result peer-outdated
	connect_res alpha --protocol sync --fencing resource-and-stonith $FENCE
	wait_field alpha connection connected 30
	ok alpha 'tandemctl wait-sync r0 --timeout 120'
	grows "connected again"

	step "the link is cut: writes freeze; the handler answers 7, writes go on by themselves"
	cut
	wait_field alpha suspended fencing 15
	expect_eq "$(field alpha fence_result)" running "the handler's state"
	held 3
	ok alpha 'tandemctl status r0 | grep -i frozen'
	ok alpha 'echo 7 > /tmp/fence.rc'
	wait_field alpha fence_result peer-fenced
	wait_field alpha suspended ""
	grows "after the peer was fenced"
	reconnect

	step "cut again: the handler answers 5 (not fenced); writes stay frozen until resume-io"
	cut
	wait_field alpha suspended fencing 15
	ok alpha 'echo 5 > /tmp/fence.rc'
	wait_field alpha fence_result peer-unreachable
	held 2
	expect_eq "$(field alpha suspended)" fencing "writes after an unfenced answer"
	ok alpha 'tandemctl resume-io r0'
	grows "after resume-io"
	refused alpha 'tandemctl resume-io r0' 'writes are not frozen'
	reconnect

	step "idle, cut again: writes freeze with none held; demoting alpha ends the freeze"
	ok alpha 'pkill -f "sh -c i=0"; while pgrep -x dd >/dev/null; do sleep 0.1; done'
	cut
	wait_field alpha suspended fencing 15
	ok alpha 'echo 4 > /tmp/fence.rc && tandemctl secondary r0'
	expect_eq "$(field alpha suspended)" "" "writes suspended on a secondary"
	wait_field alpha fence_result peer-outdated
	# Promoted again without its peer, alpha fences it first (4: outdated).
	ok alpha 'echo 4 > /tmp/fence.rc && tandemctl primary r0 && dmesg | grep -c "writes resume (0 held): secondary"'
	expect_eq "$OUT" 1 "the log of the demotion's thaw"
	start_writer
	reconnect

	step "cut again: a handler that hangs blocks status, disconnect and resume-io in nothing"
	cut
	wait_field alpha suspended fencing 15
	ok alpha 'timeout 10 tandemctl status r0 >/dev/null && timeout 10 tandemctl disconnect r0'
	expect_eq "$(field alpha suspended)" fencing "writes after disconnect"
	expect_eq "$(field alpha fence_result)" running "the handler's state"
	ok alpha 'timeout 10 tandemctl resume-io r0'
	grows "after resume-io with the handler hanging"
	ok alpha 'pkill -f "sh -c i=0" ; sleep 0.5; kill -0 $(cat /tmp/fence.pid) && echo handler alive'
	ok alpha 'ip link set eth1 up && timeout 20 tandemctl detach r0 && sleep 0.5 &&
		! kill -0 $(cat /tmp/fence.pid) 2>/dev/null && dmesg | grep -c "ending the fence-peer handler"'
	expect_eq "$OUT" 1 "detach ended the handler"

	step "beta, cut off from alpha, is promoted: with fencing it fences alpha first (5: refused, 7: promoted)"
	ok beta "$HANDLER"
	ok beta 'tandemctl disconnect r0'
	connect_res beta --protocol sync --fencing resource-only $FENCE
	ok beta 'echo 5 > /tmp/fence.rc'
	refused beta 'tandemctl primary r0' 'did not fence the peer'
	expect_eq "$(field beta role)" secondary "beta after an unfenced answer"
	ok beta 'echo 7 > /tmp/fence.rc && tandemctl primary r0 && cat /tmp/fence.env'
	grep -q TANDEM_PEER_ADDRESS=10.99.0.1 <<<"$OUT" || fail "beta's handler should name alpha" "$OUT"
	expect_eq "$(field beta role)" primary "beta after alpha was fenced"
}
