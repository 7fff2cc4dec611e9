description="malformed netlink requests are refused with an extack message and change nothing"

# Attribute and command numbers from include/tandem_netlink.h.
ATTACH=1 DETACH=2 STATUS=3
NAME=1 MINOR=2 DISK=3 SIZE=4 STATS=6

nl_refused() {
	local want=$1 before after
	shift
	before=$(state_of alpha)
	refused alpha "nlraw $*" "$want"
	after=$(state_of alpha)
	[ "$before" == "$after" ] || fail "state changed by: nlraw $*" "$(diff <(echo "$before") <(echo "$after"))"
}

run_test() {
	ok alpha 'modprobe tandem && tandemctl attach r0 --minor 0 --disk /dev/vda'

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

	step "unknown, unexpected and missing attributes"
	nl_refused 'error 22: .*[Uu]nknown attribute' $ATTACH $NAME:str:r9 $MINOR:u32:1 $DISK:str:/dev/vdb 50:u32:1
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

	step "a well-formed raw request works"
	ok alpha "nlraw $ATTACH $NAME:str:r9 $MINOR:u32:9 $DISK:str:/dev/vdb && nlraw $DETACH $NAME:str:r9 && tandemctl status"
	grep -q 'name:r0' <<<"$OUT" || fail "r0 should still be there" "$OUT"
	grep -q 'r9' <<<"$OUT" && fail "r9 should be gone" "$OUT"
	true
}
