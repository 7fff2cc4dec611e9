description="automatic split-brain recovery: with no primary, after-sb-0pri discard-least-changes makes the node that changed less take the other's data; with one, after-sb-1pri discard-secondary makes the secondary take the primary's, though it changed more; each says what it discarded, and the disks end equal, the winner's data untouched"
groups="resync"
requires="fio"

# writes VM OFFSET MIB: MIB of 64 KiB writes on VM from OFFSET.
writes() {
	ok "$1" "fio --name=w --filename=/dev/tandem0 --direct=1 --ioengine=libaio --rw=write \
		--bs=64k --iodepth=8 --offset=$2 --size=$3m --output-format=terse >/dev/null"
}

# split WRITER_MIB OTHER_MIB: alpha writes WRITER_MIB alone, then beta,
# promoted by force, OTHER_MIB elsewhere; the link down all along.
split() {
	ok alpha 'tandemctl disconnect r0'
	ok beta 'tandemctl disconnect r0'
	writes alpha 0 "$1"
	ok beta 'tandemctl primary r0 --force'
	writes beta 512m "$2"
}

# resolved WINNER LOSER POLICY KIB: LOSER says it discarded its KIB, WINNER
# the peer's; the resync makes the disks equal, WINNER's data as it was.
resolved() {
	local before
	before=$(disk_sum "$1")
	wait_field "$1" connection connected 60
	ok "$2" 'dmesg'
	grep -q "split brain resolved by $3: this node's $4 KiB changed on its own are discarded" <<<"$OUT" ||
		fail "$2 should say it discarded its $4 KiB" "$OUT"
	ok "$1" 'dmesg'
	grep -q "split brain resolved by $3: the peer's $4 KiB changed on its own are discarded" <<<"$OUT" ||
		fail "$1 should say the peer's $4 KiB are discarded" "$OUT"
	ok "$1" 'tandemctl wait-sync r0 --timeout 600'
	wait_drained "$1"
	expect_eq "$(disk_sum "$1")" "$before" "$1's data (the winner's)"
	same_data "after $3"
}

run_test() {
	pair_up sync

	step "no primary: alpha wrote 8 MiB, beta 1 MiB; after-sb-0pri discard-least-changes on both"
	split 8 1
	ok beta 'tandemctl secondary r0'
	ok alpha 'tandemctl secondary r0'
	connect_res alpha --after-sb-0pri discard-least-changes
	connect_res beta --after-sb-0pri discard-least-changes
	resolved alpha beta "after-sb-0pri discard-least-changes" 1024
	ok alpha 'tandemctl status r0 --json'
	grep -q '"after_sb_0pri":"discard-least-changes"' <<<"$OUT" || fail "status should show the policy" "$OUT"

	step "one primary: alpha (primary) wrote 1 MiB, beta 8 MiB; after-sb-1pri discard-secondary on both"
	ok alpha 'tandemctl primary r0'
	split 1 8
	ok beta 'tandemctl secondary r0'
	connect_res alpha --after-sb-1pri discard-secondary
	connect_res beta --after-sb-1pri discard-secondary
	resolved alpha beta "after-sb-1pri discard-secondary" 8192
}
