description="malformed netlink requests are refused with an extack message and change nothing; status and events need CAP_NET_ADMIN, every other command CAP_SYS_ADMIN too"
groups="basic quick"
requires="setpriv"

# Attribute and command numbers from include/tandem_netlink.h.
ATTACH=1 DETACH=2 STATUS=3 CONNECT=4 DISCONNECT=5 PRIMARY=6 SECONDARY=7 VERIFY=8 EVENT=9 OPTIONS=10
NAME=1 MINOR=2 DISK=3 SIZE=4 STATS=6 LADDR=8 LPORT=9 PADDR=10 PPORT=11 PROTO=12 SECRET=13
TIMEOUT=14 FORCE=16 ROLE=17 RATE=34 CONGESTION=35 EVENT_A=36 DISK_TIMEOUT=51
META_DISK=53 VERIFY_START=54 VERIFY_LENGTH=55

nl_refused() {
	local want=$1 before after
	shift
	before=$(state_of alpha)
	refused alpha "nlraw $*" "$want"
	after=$(state_of alpha)
	[ "$before" == "$after" ] || fail "state changed by: nlraw $*" "$(diff <(echo "$before") <(echo "$after"))"
}

# priv_refused CMD: CMD without CAP_SYS_ADMIN is refused for it, and changes nothing.
priv_refused() {
	local before after
	before=$(state_of alpha)
	refused alpha "setpriv --bounding-set -sys_admin $1" 'changing a resource needs CAP_SYS_ADMIN'
	after=$(state_of alpha)
	[ "$before" == "$after" ] || fail "state changed by: $1" "$(diff <(echo "$before") <(echo "$after"))"
}

run_test() {
	ok alpha 'modprobe tandem && tandemctl create-md r0 --disk /dev/vda --force >/dev/null && tandemctl attach r0 --minor 0 --disk /dev/vda'

	step "type, length and range"
	nl_refused 'error 34: integer out of range' $ATTACH $NAME:str:r9 $MINOR:u32:1024 $DISK:str:/dev/vdb
	nl_refused 'error 22: .*(length|policy)' $ATTACH $NAME:str:r9 $MINOR:u8:1 $DISK:str:/dev/vdb
	nl_refused 'error 22: .*(length|policy)' $ATTACH $NAME:str:r9 $MINOR:u64:1 $DISK:str:/dev/vdb
	nl_refused 'error 22: ' $ATTACH $NAME:raw:r9 $MINOR:u32:1 $DISK:str:/dev/vdb
	nl_refused 'error 22: ' $ATTACH $NAME:rawlen:200 $MINOR:u32:1 $DISK:str:/dev/vdb
	nl_refused 'error 22: ' $ATTACH $NAME:str:$(printf 'x%.0s' {1..64}) $MINOR:u32:1 $DISK:str:/dev/vdb
	nl_refused 'error 22: ' $ATTACH $NAME:str:r9 $MINOR:u32:1 $DISK:rawlen:4096

	step "names checked by the module itself"
	nl_refused "error 22: resource name may only contain" $ATTACH "$NAME:str:a/b" $MINOR:u32:1 $DISK:str:/dev/vdb
	nl_refused "error 22: resource name must not start" $ATTACH $NAME:str:-x $MINOR:u32:1 $DISK:str:/dev/vdb
	nl_refused "error 22: resource name is empty" $ATTACH $NAME:str: $MINOR:u32:1 $DISK:str:/dev/vdb
	nl_refused "error 22: backing disk path is empty" $ATTACH $NAME:str:r9 $MINOR:u32:1 $DISK:str:
	nl_refused "error 22: metadata disk path is empty" $ATTACH $NAME:str:r9 $MINOR:u32:1 \
		$DISK:str:/dev/vdb $META_DISK:str:
	nl_refused 'error 22: .*(length|policy)' $VERIFY $NAME:str:r0 $VERIFY_START:u32:4096
	nl_refused "error 22: verify's start and length are multiples of 4 KiB" $VERIFY $NAME:str:r0 \
		$VERIFY_START:u64:512
	nl_refused "error 22: verify's start and length are multiples of 4 KiB" $VERIFY $NAME:str:r0 \
		$VERIFY_LENGTH:u64:0
	nl_refused 'error 34: integer out of range' $ATTACH $NAME:str:r9 $MINOR:u32:1 $DISK:str:/dev/vdb \
		$DISK_TIMEOUT:u32:600001
	nl_refused 'error 22: disk-timeout is 0 \(off\) or at least 1000 ms' $ATTACH $NAME:str:r9 \
		$MINOR:u32:1 $DISK:str:/dev/vdb $DISK_TIMEOUT:u32:999
	nl_refused 'error 22: disk-timeout is set at the first attach' $ATTACH $NAME:str:r0 \
		$MINOR:u32:0 $DISK:str:/dev/vda $DISK_TIMEOUT:u32:5000

	step "unknown, unexpected and missing attributes"
	nl_refused 'error 22: .*[Uu]nknown attribute' $ATTACH $NAME:str:r9 $MINOR:u32:1 $DISK:str:/dev/vdb 250:u32:1
	nl_refused 'error 22: .*[Uu]nsupported attribute' $ATTACH $NAME:str:r9 $MINOR:u32:1 $DISK:str:/dev/vdb $SIZE:u64:1
	nl_refused 'error 22: .*[Uu]nsupported attribute' $DETACH $NAME:str:r0 $MINOR:u32:0
	nl_refused 'error 22: .*[Uu]nsupported attribute' $STATUS $NAME:str:r0 $STATS:u32:0
	nl_refused 'error 22: missing minor' $ATTACH $NAME:str:r9 $DISK:str:/dev/vdb
	nl_refused 'error 22: missing backing disk' $ATTACH $NAME:str:r9 $MINOR:u32:1
	nl_refused 'error 22: missing resource name' $ATTACH $MINOR:u32:1 $DISK:str:/dev/vdb
	nl_refused 'error 22: missing resource name' $DETACH
	nl_refused 'error 2: no such resource' $DETACH $NAME:str:r9
	nl_refused 'error 95: ' 99 $NAME:str:r0
	nl_refused 'error 95: ' 0

	step "connect, primary, secondary"
	# 10.99.0.1 and 10.99.0.2: nlraw puts a u32 in host (little-endian) order, so byte-swap.
	A=$((0x0100630a)) B=$((0x0200630a))
	nl_refused 'error 22: missing local address' $CONNECT $NAME:str:r0
	nl_refused 'error 22: missing peer port' $CONNECT $NAME:str:r0 $LADDR:u32:$A $LPORT:u16:7789 $PADDR:u32:$B
	nl_refused 'error 22: an address is 4 \(IPv4\) or 16 \(IPv6\) bytes' $CONNECT $NAME:str:r0 \
		$LADDR:rawlen:5 $LPORT:u16:7789 $PADDR:u32:$B $PPORT:u16:7789
	nl_refused 'error (22|34): .*(length|policy|range)' $CONNECT $NAME:str:r0 $LADDR:rawlen:17 $LPORT:u16:7789 $PADDR:u32:$B $PPORT:u16:7789
	nl_refused 'error 34: ' $CONNECT $NAME:str:r0 $LADDR:u32:$A $LPORT:u16:0 $PADDR:u32:$B $PPORT:u16:7789
	nl_refused 'error 34: ' $CONNECT $NAME:str:r0 $LADDR:u32:$A $LPORT:u16:7789 $PADDR:u32:$B $PPORT:u16:7789 $PROTO:u32:3
	nl_refused 'error 34: ' $CONNECT $NAME:str:r0 $LADDR:u32:$A $LPORT:u16:7789 $PADDR:u32:$B $PPORT:u16:7789 $TIMEOUT:u32:100
	nl_refused 'error (22|34): .*(length|policy|range)' $CONNECT $NAME:str:r0 $LADDR:u32:$A $LPORT:u16:7789 $PADDR:u32:$B $PPORT:u16:7789 $SECRET:rawlen:65
	nl_refused 'error 22: the shared secret is empty' $CONNECT $NAME:str:r0 $LADDR:u32:$A $LPORT:u16:7789 $PADDR:u32:$B $PPORT:u16:7789 $SECRET:rawlen:0
	nl_refused 'error 22: local and peer addresses are the same' $CONNECT $NAME:str:r0 $LADDR:u32:$A $LPORT:u16:7789 $PADDR:u32:$A $PPORT:u16:7789
	nl_refused 'error 99: cannot bind the local address' $CONNECT $NAME:str:r0 $LADDR:u32:$B $LPORT:u16:7789 $PADDR:u32:$A $PPORT:u16:7789
	nl_refused 'error 22: .*[Uu]nsupported attribute' $PRIMARY $NAME:str:r0 $ROLE:u32:2
	nl_refused 'error (22|34): .*(length|policy|[Ff]lag)' $PRIMARY $NAME:str:r0 $FORCE:u32:1
	nl_refused 'error 2: no such resource' $SECONDARY $NAME:str:r9
	nl_refused 'error 107: resource is not connected' $DISCONNECT $NAME:str:r0
	nl_refused 'error 107: resource is not connected' $VERIFY $NAME:str:r0
	nl_refused 'error 34: ' $CONNECT $NAME:str:r0 $LADDR:u32:$A $LPORT:u16:7789 $PADDR:u32:$B $PPORT:u16:7789 $RATE:u32:0
	nl_refused 'error 34: ' $CONNECT $NAME:str:r0 $LADDR:u32:$A $LPORT:u16:7789 $PADDR:u32:$B $PPORT:u16:7789 $RATE:u32:30001

	step "live options, and events (multicast only)"
	nl_refused 'error 107: not connected: options are given with connect' $OPTIONS $NAME:str:r0 $RATE:u32:10
	nl_refused 'error 34: ' $OPTIONS $NAME:str:r0 $TIMEOUT:u32:100
	nl_refused 'error 34: ' $OPTIONS $NAME:str:r0 $CONGESTION:u32:0
	nl_refused 'error 22: .*[Uu]nsupported attribute' $OPTIONS $NAME:str:r0 $PROTO:u32:1
	nl_refused 'error 2: no such resource' $OPTIONS $NAME:str:r9 $RATE:u32:10
	nl_refused 'error 95: ' $EVENT $NAME:str:r0 $EVENT_A:u32:1

	step "privilege: status and events need CAP_NET_ADMIN, every other command CAP_SYS_ADMIN too"
	refused alpha 'setpriv --reuid=65534 --regid=65534 --clear-groups tandemctl status r0' 'Operation not permitted'
	refused alpha 'setpriv --reuid=65534 --regid=65534 --clear-groups timeout 5 tandemctl events r0' \
		'Operation not permitted|[Pp]ermission'
	ok alpha 'tandemctl create-md r9 --disk /dev/vdb --force >/dev/null'
	refused alpha 'setpriv --bounding-set -sys_admin tandemctl attach r9 --minor 9 --disk /dev/vdb' \
		'changing a resource needs CAP_SYS_ADMIN'
	on alpha 'tandemctl status r9' >/dev/null 2>&1 && fail "r9 should not be attached"
	ok alpha 'setpriv --bounding-set -sys_admin tandemctl status r0 --json'
	for c in "secondary r0" "primary r0 --force" "outdate r0" "invalidate r0" "verify r0" \
		 "resume-io r0" "disconnect r0" "detach r0" \
		 "connect r0 --local 10.99.0.1:7789 --peer 10.99.0.2:7789 --discard-my-data"; do
		priv_refused "tandemctl $c"
	done
	ok alpha "setpriv --bounding-set -sys_admin nlraw $OPTIONS $NAME:str:r0 $RATE:u32:10; echo exit=\$?; true"
	grep -q 'error 1: changing a resource needs CAP_SYS_ADMIN' <<<"$OUT" || fail "net-options without CAP_SYS_ADMIN" "$OUT"
	step "a well-formed raw request works"
	ok alpha "tandemctl create-md r9 --disk /dev/vdb --force >/dev/null && nlraw $ATTACH $NAME:str:r9 $MINOR:u32:9 $DISK:str:/dev/vdb && nlraw $DETACH $NAME:str:r9 && tandemctl status"
	grep -q '^r0 /dev/tandem0$' <<<"$OUT" || fail "r0 should still be there" "$OUT"
	grep -q 'r9' <<<"$OUT" && fail "r9 should be gone" "$OUT"
	true
}
