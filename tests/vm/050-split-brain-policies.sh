description="automatic split-brain recovery: with no primary, after-sb-0pri discard-least-changes makes the node that changed less take the other's data; with one, after-sb-1pri discard-secondary makes the secondary take the primary's, though it changed more; discard-younger-primary makes the node promoted after the split take the data of the one primary when it began (though it changed more), discard-older-primary the reverse; after-sb-1pri call-pri-lost-after-sb leaves a primary that would lose untouched and runs its pri-lost-after-sb handler, and once it is demoted the split brain resolves; each says what it discarded, and the disks end equal, the winner's data untouched"
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

# both_secondary: beta then alpha give up the primary role.
both_secondary() {
	ok beta 'tandemctl secondary r0'
	ok alpha 'tandemctl secondary r0'
}

# connect_both OPTIONS...: both connect with the same OPTIONS (the policies).
connect_both() {
	local vm
	for vm in alpha beta; do
		connect_res "$vm" "$@"
	done
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
	local vm before
	for vm in alpha beta; do
		ok "$vm" 'printf "#!/bin/sh\necho \"\$TANDEM_HANDLER \$TANDEM_RESOURCE\" >> /tmp/handlers.log\n" > /tmp/handler &&
			chmod +x /tmp/handler && rm -f /tmp/handlers.log'
	done
	ATTACH_OPTS="--handler pri-lost-after-sb=/tmp/handler" pair_up sync

	step "no primary: alpha wrote 8 MiB, beta 1 MiB; after-sb-0pri discard-least-changes on both"
	split 8 1
	both_secondary
	connect_both --after-sb-0pri discard-least-changes
	resolved alpha beta "after-sb-0pri discard-least-changes" 1024
	ok alpha 'tandemctl status r0 --json'
	grep -q '"after_sb_0pri":"discard-least-changes"' <<<"$OUT" || fail "status should show the policy" "$OUT"

	step "one primary: alpha (primary) wrote 1 MiB, beta 8 MiB; after-sb-1pri discard-secondary on both"
	ok alpha 'tandemctl primary r0'
	split 1 8
	ok beta 'tandemctl secondary r0'
	connect_both --after-sb-1pri discard-secondary
	resolved alpha beta "after-sb-1pri discard-secondary" 8192

	step "no primary: alpha (primary when the link went) wrote 1 MiB, beta (promoted after) 8 MiB; discard-younger-primary"
	split 1 8
	ok alpha 'tandemctl dump-md r0 --disk /dev/vda --json'
	grep -q '"flags":"[^"]*primary-at-split' <<<"$OUT" || fail "alpha's metadata should say it was primary at the split" "$OUT"
	ok beta 'tandemctl dump-md r0 --disk /dev/vda --json'
	grep -q 'primary-at-split' <<<"$OUT" && fail "beta was promoted after the split" "$OUT"
	both_secondary
	connect_both --after-sb-0pri discard-younger-primary
	resolved alpha beta "after-sb-0pri discard-younger-primary" 8192

	step "no primary: alpha (primary when the link went) wrote 2 MiB, beta (promoted after) 1 MiB; discard-older-primary"
	ok alpha 'tandemctl primary r0'
	split 2 1
	both_secondary
	connect_both --after-sb-0pri discard-older-primary
	resolved beta alpha "after-sb-0pri discard-older-primary" 2048

	step "one primary: beta (primary when the link went) wrote 1 MiB, alpha (promoted after, still primary) 2 MiB;"
	step "discard-younger-primary with after-sb-1pri call-pri-lost-after-sb: alpha is not overwritten, its handler runs"
	ok beta 'tandemctl primary r0'
	ok alpha 'tandemctl disconnect r0'
	ok beta 'tandemctl disconnect r0'
	writes beta 0 1
	ok alpha 'tandemctl primary r0 --force'
	writes alpha 512m 2
	ok beta 'tandemctl secondary r0'
	before=$(disk_sum alpha)
	connect_both --after-sb-0pri discard-younger-primary --after-sb-1pri call-pri-lost-after-sb
	wait_field alpha connection standalone 60
	wait_field beta connection standalone 60
	ok alpha 'dmesg'
	grep -q "after-sb-1pri call-pri-lost-after-sb: this node's 2048 KiB changed on its own are to be discarded, but it is primary: not connecting; calling the pri-lost-after-sb handler" <<<"$OUT" ||
		fail "alpha should say its changes lost, and call its handler" "$OUT"
	ok beta 'dmesg'
	grep -q "after-sb-1pri call-pri-lost-after-sb: the peer's 2048 KiB changed on its own are to be discarded, but it is primary: not connecting$" <<<"$OUT" ||
		fail "beta should say the primary's changes lost" "$OUT"
	ok alpha 'for i in $(seq 50); do [ -s /tmp/handlers.log ] && break; sleep 0.2; done; cat /tmp/handlers.log'
	expect_eq "$OUT" "pri-lost-after-sb r0" "alpha's handler calls"
	ok beta 'cat /tmp/handlers.log 2>/dev/null || true'
	expect_eq "$OUT" "" "beta's handler calls"
	expect_eq "$(field alpha role)" primary "alpha's role (not demoted under its applications)"
	expect_eq "$(disk_sum alpha)" "$before" "alpha's data (untouched)"
	step "what the handler is for: alpha demoted; reconnected, after-sb-0pri resolves it"
	ok alpha 'tandemctl secondary r0 && tandemctl disconnect r0'
	ok beta 'tandemctl disconnect r0'
	connect_both --after-sb-0pri discard-younger-primary --after-sb-1pri call-pri-lost-after-sb
	resolved beta alpha "after-sb-0pri discard-younger-primary" 2048
}
