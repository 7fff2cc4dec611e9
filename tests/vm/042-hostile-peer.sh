description="a hostile peer's packets that break the rules end the session and touch no disk: a verify range or a read request that wraps past 2^64, an answer to a read not asked for, a flush without its flag, an unknown flag bit, bytes that are no packet (before or after the handshake), a length of 4 GiB, an unknown packet type, a second HELLO, a packet cut short then silence (a timeout), answers to verify requests not yet sent, more verify requests than allowed, a peer that stops reading, a peer that floods writes and reads no acks (held at 1024), a peer that sends the same bitmap run for ever, a resize answered with a smaller size; a valid write is taken"
groups="fault"
requires=""

# mem_after NAME: beta's unreclaimable slab and available memory, against
# the first call's (at the start); the slab may not grow by 16 MiB (a leak per attack).
MEM0=
mem_after() {
	local su av su0 av0
	read -r su av <<<"$(on beta "awk '/^SUnreclaim:/ { s = \$2 } /^MemAvailable:/ { a = \$2 }
		END { print s, a }' /proc/meminfo")"
	[ -n "$MEM0" ] || MEM0="$su $av"
	read -r su0 av0 <<<"$MEM0"
	step "beta's memory after $1: unreclaimable slab $((su - su0)) KiB, available $((av - av0)) KiB, since the start"
	[ $((su - su0)) -lt 16384 ] || fail "beta's unreclaimable slab grew by $((su - su0)) KiB ($1)"
}

# attack NAME: alpha plays beta's peer (tests/vm/helpers/fakepeer) and sends NAME.
attack() {
	local sectors
	sectors=$(on beta 'cat /sys/block/tandem0/size')
	ok beta 'dmesg -C'
	ok alpha "tests/vm/helpers/fakepeer $REP_IP_alpha $REP_IP_beta 7789 r0 $sectors $1"
	step "$1: $OUT"
	mem_after "$1"
}

# small_buffers: the link's socket buffers at 16 KiB on both (restored at
# the end, or by the runner's reset), so that a peer that does not read
# blocks beta's sender after a few writes, however fast TCP would grow them.
small_buffers() {
	local vm
	for vm in alpha beta; do
		ok "$vm" "mkdir -p /run/tandem-test &&
			sysctl net.ipv4.tcp_wmem net.ipv4.tcp_rmem > /run/tandem-test/sysctl.restore &&
			sysctl -qw net.ipv4.tcp_wmem='4096 16384 16384' net.ipv4.tcp_rmem='4096 16384 16384'"
	done
}

# sender_blocked: beta's writes fill the link to alpha, which does not
# read: more than 4 KiB wait in beta's 16 KiB socket, and the rest of its
# 16 MiB in flight waits behind them.
sender_blocked() {
	on beta "for i in \$(seq 600); do
		q=\$(ss -Htn dst $REP_IP_alpha | awk '{print \$3}' | sort -n | tail -n1)
		[ \"\${q:-0}\" -gt 4096 ] && exit 0
		sleep 0.2
	done; exit 1" || fail "beta's sender did not block" "$(on beta 'ss -tmi; cat /tmp/fio.out; tandemctl status r0 -v')"
}

# stalled_attack NAME [WHY]: beta is primary, alpha plays its secondary,
# stops reading, and once beta's sender is blocked by beta's writes (and
# beta runs verify, for verify-early) is told to send NAME (it waits 120 s
# at most). beta must end the session, saying WHY (default: a protocol
# error), and complete its writes alone.
stalled_attack() {
	local sectors pid why=${2:-connection to the peer lost (protocol error)}
	sectors=$(on beta 'cat /sys/block/tandem0/size')
	ok beta 'dmesg -C'
	on alpha "tests/vm/helpers/fakepeer $REP_IP_alpha $REP_IP_beta 7789 r0 $sectors $1" \
		> "$TDM_BUILD/fakepeer.out" 2>&1 &
	pid=$!
	wait_field beta connection connected
	ok beta 'rm -f /tmp/fio.rc; setsid sh -c "fio --name=w --filename=/dev/tandem0 --direct=1 \
		--ioengine=libaio --rw=write --bs=1M --iodepth=16 --size=32m >/tmp/fio.out 2>&1; echo \$? >/tmp/fio.rc" \
		</dev/null >/dev/null 2>&1 &'
	sender_blocked
	# verify waits for its end, which a stalled peer holds up: in the background.
	if [ "$1" == verify-early ]; then
		ok beta '(nohup tandemctl verify r0 > /tmp/verify.out 2>&1 &)'
		wait_field beta verify running
	fi
	[ "$1" == stall ] || ok alpha 'touch /tmp/fakepeer.go'
	wait $pid || fail "$1: the fake peer failed" "$(cat "$TDM_BUILD/fakepeer.out")"
	OUT=$(cat "$TDM_BUILD/fakepeer.out")
	step "$1: $OUT"
	mem_after "$1"
	OUT=$(cat "$TDM_BUILD/fakepeer.out")
	expect_eq "$OUT" "hung up" "after $1"
	ok beta 'dmesg'
	grep -qF "$why" <<<"$OUT" || fail "beta should say '$why' ($1)" "$OUT"
	ok beta 'for i in $(seq 120); do [ -s /tmp/fio.rc ] && break; sleep 0.5; done; cat /tmp/fio.rc'
	expect_eq "$OUT" 0 "$1: beta's writes, completed alone"
	wait_field beta connection connecting
}

run_test() {
	local sectors pid vm
	ok beta 'modprobe tandem && tandemctl create-md r0 --disk /dev/vda --force >/dev/null &&
		tandemctl attach r0 --minor 0 --disk /dev/vda'
	connect_res beta --protocol sync
	mem_after "the start"

	attack none
	expect_eq "$OUT" "still connected" "after a valid write"

	for a in verify-wrap flush-noflag unknown-flag read-wrap read-unasked junk oversize unknown-type hello-again; do
		attack "$a"
		expect_eq "$OUT" "hung up" "after $a"
		ok beta 'dmesg'
		grep -q 'connection to the peer lost (protocol error)' <<<"$OUT" ||
			fail "beta should end the session for a protocol error ($a)" "$OUT"
		grep -q 'beyond end of device' <<<"$OUT" && fail "beta read past its disk ($a)" "$OUT"
		wait_field beta connection connecting
	done
	step "a packet cut short, then silence: beta times out, it does not wait for the rest"
	attack truncated
	expect_eq "$OUT" "hung up" "after truncated"
	ok beta 'dmesg'
	grep -q 'connection to the peer lost (timeout)' <<<"$OUT" || fail "beta should time out a peer silent mid-packet" "$OUT"
	wait_field beta connection connecting
	step "junk instead of a handshake: beta hangs up, and a valid peer then connects"
	attack pre-junk
	expect_eq "$OUT" "hung up" "after pre-junk"
	attack none
	expect_eq "$OUT" "still connected" "a valid peer after pre-junk"
	wait_field beta connection connecting
	ok beta 'tandemctl status r0 --json'
	grep -q '"errors":0' <<<"$OUT" || fail "beta's I/O errors" "$OUT"

	step "a primary peer floods writes and reads none of beta's acks: beta stops taking them, then gives up"
	small_buffers
	attack data-flood
	expect_eq "$OUT" "hung up" "after data-flood"
	ok beta 'dmesg'
	grep -q 'the peer has taken nothing' <<<"$OUT" || fail "beta should give up on a peer that reads nothing" "$OUT"
	ok beta 'tandemctl status r0 --json'
	n=$(grep -o '"received":[0-9]*' <<<"$OUT" | cut -d: -f2)
	step "beta took $n writes of the flood"
	[ "$n" -le 4096 ] || fail "beta took $n writes from a peer that reads no acks (at most 1024 held, plus the acks in 32 KiB of socket buffers)"
	wait_field beta connection connecting

	ok beta 'tandemctl primary r0 --force'
	# A 5 s timeout: beta gives up on a peer that takes nothing after 30 s,
	# time enough for the steps below on a loaded host.
	ok beta 'tandemctl disconnect r0'
	connect_res beta --protocol sync --timeout 5000
	stalled_attack verify-early
	stalled_attack verify-flood
	ok beta 'dmesg'
	grep -q 'asked for more than 8 verify ranges' <<<"$OUT" || fail "beta did not say why (verify-flood)" "$OUT"
	step "a peer that talks but takes nothing: beta gives up after 6 timeouts (of 1 s here)"
	ok beta 'tandemctl disconnect r0'
	connect_res beta --protocol sync --timeout 1000
	stalled_attack stall 'the peer has taken nothing for 6000 ms'

	step "a peer answers beta's resize with half beta's size: beta keeps its size, and says why"
	ok beta 'tandemctl disconnect r0'
	connect_res beta --protocol sync
	sectors=$(on beta 'cat /sys/block/tandem0/size')
	on alpha "tests/vm/helpers/fakepeer $REP_IP_alpha $REP_IP_beta 7789 r0 $sectors resize-shrink" \
		> "$TDM_BUILD/fakepeer.out" 2>&1 &
	pid=$!
	wait_field beta connection connected
	refused beta 'tandemctl resize r0' 'the peer answered a size that was not asked for'
	wait $pid || fail "resize-shrink: the fake peer failed" "$(cat "$TDM_BUILD/fakepeer.out")"
	expect_eq "$(on beta 'cat /sys/block/tandem0/size')" "$sectors" "beta's size after the peer's answer"

	step "a peer that never answers a promotion holds only its resource's commands: status answers meanwhile"
	ok beta 'tandemctl disconnect r0 && tandemctl secondary r0'
	connect_res beta --protocol sync --timeout 20000
	sectors=$(on beta 'cat /sys/block/tandem0/size')
	on alpha "tests/vm/helpers/fakepeer $REP_IP_alpha $REP_IP_beta 7789 r0 $sectors stall" \
		> "$TDM_BUILD/fakepeer.out" 2>&1 &
	pid=$!
	wait_field beta connection connected
	ok beta 'rm -f /tmp/primary.rc; setsid sh -c "tandemctl primary r0; echo \$? > /tmp/primary.rc" </dev/null >/dev/null 2>&1 &'
	sleep 1
	ok beta 'timeout 5 tandemctl status r0 >/dev/null && [ ! -s /tmp/primary.rc ] && echo answered'
	expect_eq "$OUT" answered "status while the promotion waits"
	ok alpha 'touch /tmp/fakepeer.go'
	wait $pid || true
	ok beta 'for i in $(seq 150); do [ -s /tmp/primary.rc ] && break; sleep 0.2; done; cat /tmp/primary.rc'
	for vm in alpha beta; do
		ok "$vm" 'sysctl -q -p /run/tandem-test/sysctl.restore && rm /run/tandem-test/sysctl.restore'
	done
	ok beta 'tandemctl status r0 --json'
	grep -q '"errors":0' <<<"$OUT" || fail "beta's I/O errors" "$OUT"

	step "a peer that resyncs beta sends the same bitmap run for ever: beta refuses it"
	ok beta 'tandemctl disconnect r0; tandemctl secondary r0'
	connect_res beta --protocol sync
	attack bitmap-flood
	expect_eq "$OUT" "hung up" "after bitmap-flood"
	ok beta 'dmesg'
	grep -q "the peer's bitmap runs are out of order" <<<"$OUT" || fail "beta should say why it hung up" "$OUT"
	wait_field beta connection connecting
}
