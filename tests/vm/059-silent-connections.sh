description="connections opened from the peer's address that stay silent (20) or trickle bytes (4, a byte a second) do not keep the real peer out: it connects within 2 timeouts and a second, and replicates; the old listener took them one at a time and waited out each one's handshake"
groups="fault"
requires=""

# hold N SECONDS: N connections from alpha's replication address to beta's
# port, held open; the first 4 send a byte a second. Prints how many it got.
HOLD='import socket, sys, time
socks = []
for i in range(int(sys.argv[1])):
    s = socket.socket()
    s.bind((sys.argv[3], 0))
    s.settimeout(1)
    try:
        s.connect((sys.argv[4], 7789))
        socks.append(s)
    except OSError:
        s.close()
print(len(socks), flush=True)
end = time.time() + float(sys.argv[2])
while time.time() < end:
    for s in socks[:4]:
        try:
            s.send(b"T")
        except OSError:
            pass
    time.sleep(1)'

run_test() {
	local t0 secs
	pair_up sync
	ok alpha 'dd if=/dev/urandom of=/dev/tandem0 bs=1M count=4 oflag=direct status=none'
	ok alpha 'tandemctl disconnect r0'
	wait_field beta connection connecting

	step "24 connections from alpha's address to beta's port, held open"
	ok alpha "printf '%s\n' '$HOLD' > /tmp/hold.py && rm -f /tmp/hold.out &&
		setsid python3 /tmp/hold.py 24 120 $REP_IP_alpha $REP_IP_beta > /tmp/hold.out 2>&1 < /dev/null &
		for i in \$(seq 200); do [ -s /tmp/hold.out ] && break; sleep 0.25; done; cat /tmp/hold.out"
	[ "${OUT:-0}" -ge 1 ] || fail "the holder should have got connections in" "$OUT"
	step "the holder got $OUT in; now alpha connects"
	t0=$(date +%s.%N)
	connect_res alpha --protocol sync
	wait_field alpha connection connected 120
	secs=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
	step "alpha connected after $secs s"
	awk -v s="$secs" 'BEGIN { exit !(s <= 6) }' || fail "alpha took $secs s to connect past the held connections (bound: 2 timeouts + 1 s)"
	ok alpha 'dd if=/dev/urandom of=/dev/tandem0 bs=1M seek=8 count=4 oflag=direct status=none'
	wait_drained
	same_data "after the reconnection"
	ok alpha 'pkill -f hold.py; true'
}
