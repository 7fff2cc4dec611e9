description="handlers: before-resync-target runs on the target before its first resync write, the source waiting (it takes longer than the timeout), and after-resync-target once it is up to date; a failing before-resync-target halts the target with its disk untouched until the admin connects it again; out-of-sync after a verify that found differences, split-brain when one is found, local-io-error at the disk's first error; each with the resource, minor and disk in its environment, and its exit code in status"
groups="fault resync"
requires="dmsetup"

# The handler on both: logs its name and environment; before-resync-target
# sleeps /tmp/brt-sleep seconds, then exits /tmp/brt-exit.
HANDLER='cat > /tmp/handler <<"EOF2"
#!/bin/sh
echo "$TANDEM_HANDLER $TANDEM_RESOURCE $TANDEM_MINOR $TANDEM_DISK" >> /tmp/handlers.log
[ "$TANDEM_HANDLER" = before-resync-target ] || exit 0
sleep "$(cat /tmp/brt-sleep 2>/dev/null || echo 0)"
exit "$(cat /tmp/brt-exit 2>/dev/null || echo 0)"
EOF2
chmod +x /tmp/handler && rm -f /tmp/handlers.log /tmp/brt-*'
HANDLERS="--handler split-brain=/tmp/handler --handler out-of-sync=/tmp/handler
	--handler local-io-error=/tmp/handler --handler before-resync-target=/tmp/handler
	--handler after-resync-target=/tmp/handler"

# ran VM: the handlers VM ran, one line each.
ran() { on "$1" 'cat /tmp/handlers.log 2>/dev/null; rm -f /tmp/handlers.log'; }

# wait_ran VM NAME: VM ran the NAME handler (within 30 s); its line.
wait_ran() {
	ok "$1" "for i in \$(seq 120); do grep -q '^$2 ' /tmp/handlers.log 2>/dev/null && break; sleep 0.25; done
		grep '^$2 ' /tmp/handlers.log"
}

# beta_behind: beta disconnected while alpha writes 8 MiB.
beta_behind() {
	ok beta 'tandemctl disconnect r0'
	ok alpha 'dd if=/dev/urandom of=/dev/tandem0 bs=1M count=8 seek=64 oflag=direct status=none'
}

run_test() {
	local vm sum
	for vm in alpha beta; do
		ok "$vm" "$HANDLER"
		ok "$vm" "dmsetup create disk --table \"0 \$(blockdev --getsz /dev/vda) linear /dev/vda 0\" && dmsetup mknodes disk"
	done
	ATTACH_OPTS=$(echo $HANDLERS) pair_up sync /dev/mapper/disk
	ok beta 'tandemctl status r0 -v | grep -c "handler *before-resync-target /tmp/handler"'
	ran alpha >/dev/null
	ran beta >/dev/null

	step "beta behind; its before-resync-target takes 4 s (timeout 2.5 s): alpha waits for it, then resyncs"
	beta_behind
	ok beta 'echo 4 > /tmp/brt-sleep'
	connect_res beta --protocol sync
	wait_field beta disk_state uptodate 60
	ok beta 'tandemctl wait-sync r0 --timeout 60'
	wait_ran beta after-resync-target
	OUT=$(ran beta)
	expect_eq "$(cut -d' ' -f1 <<<"$OUT" | tr '\n' ' ')" "before-resync-target after-resync-target " \
		"beta's handlers, in order"
	expect_eq "$(head -n1 <<<"$OUT")" "before-resync-target r0 0 /dev/mapper/disk" "the handler's environment"
	ok beta 'dmesg'
	grep -q 'connection to the peer lost' <<<"$OUT" && fail "the session ended while the handler ran" "$OUT"
	grep -q 'the before-resync-target handler exited with 0' <<<"$OUT" || fail "beta should log the handler's exit" "$OUT"
	expect_eq "$(ran alpha)" "" "handlers on the source"

	step "beta behind; its before-resync-target fails: beta halts, its disk untouched"
	beta_behind
	sum=$(disk_sum beta)
	ok beta 'echo 0 > /tmp/brt-sleep; echo 1 > /tmp/brt-exit'
	connect_res beta --protocol sync
	wait_ran beta before-resync-target
	wait_field beta connection standalone
	ok beta 'tandemctl status r0'
	grep -q 'before-resync-target handler failed' <<<"$OUT" || fail "beta's status should say why" "$OUT"
	grep -q 'last handler before-resync-target, exit code 1' <<<"$OUT" || fail "beta's status: the exit code" "$OUT"
	expect_eq "$(disk_sum beta)" "$sum" "beta's disk after the refusal"
	step "fixed, connected again by the admin: resynced"
	ok beta 'echo 0 > /tmp/brt-exit; tandemctl disconnect r0'
	ran beta >/dev/null
	connect_res beta --protocol sync
	ok beta 'tandemctl wait-sync r0 --timeout 60'
	wait_ran beta after-resync-target

	step "verify finds blocks changed on beta's disk behind tandem's back: out-of-sync runs on alpha"
	ok beta 'dd if=/dev/urandom of=/dev/vda bs=4k count=2 seek=1000 oflag=direct status=none'
	ok alpha 'tandemctl verify r0'
	wait_ran alpha out-of-sync

	step "split brain: both write alone, then connect: split-brain runs on both"
	ok beta 'tandemctl disconnect r0'
	ok alpha 'tandemctl disconnect r0 && dd if=/dev/urandom of=/dev/tandem0 bs=4k count=1 seek=10 oflag=direct status=none'
	ok beta 'tandemctl primary r0 --force && dd if=/dev/urandom of=/dev/tandem0 bs=4k count=1 seek=20 oflag=direct status=none && tandemctl secondary r0'
	connect_res alpha --protocol sync
	connect_res beta --protocol sync
	wait_ran alpha split-brain
	wait_ran beta split-brain

	step "alpha's disk fails a write: local-io-error runs once"
	ok alpha 'tandemctl disconnect r0'
	ok beta 'tandemctl disconnect r0'
	ran alpha >/dev/null
	bad_range alpha 8192 4096
	on alpha 'dd if=/dev/zero of=/dev/tandem0 bs=4k count=1 seek=1100 oflag=direct status=none; dd if=/dev/zero of=/dev/tandem0 bs=4k count=1 seek=1101 oflag=direct status=none' || true
	wait_ran alpha local-io-error
	sleep 1
	expect_eq "$(ran alpha | grep -c local-io-error)" 1 "local-io-error runs"
}
