description="one primary at a time; a secondary refuses writes and mounts; demote refused while open"
groups="replicate"
requires="mkfs.ext4"

run_test() {
	pair_up sync
	ok alpha 'mkfs.ext4 -q -F /dev/tandem0'
	wait_drained

	step "the secondary refuses to be opened: no writer, no mount, not even a reader"
	refused beta 'dd if=/dev/zero of=/dev/tandem0 bs=4k count=1 oflag=direct' 'Read-only file system'
	refused beta 'mkdir -p /mnt/t && mount -t ext4 /dev/tandem0 /mnt/t' 'wrong medium type|Wrong medium type'
	refused beta 'mount -t ext4 -o ro /dev/tandem0 /mnt/t' 'wrong medium type|Wrong medium type'
	refused beta 'dd if=/dev/tandem0 of=/dev/null bs=4k count=1' 'Wrong medium type'
	refused beta 'tandemctl primary r0' 'the peer is primary; make it secondary first'
	refused beta 'tandemctl primary r0 --force' 'the peer is primary'
	expect_eq "$(field beta role)" secondary "beta's role after refused promotions"

	step "demote refused while mounted, then allowed"
	ok alpha 'mkdir -p /mnt/t && mount /dev/tandem0 /mnt/t && echo hello > /mnt/t/f'
	refused alpha 'tandemctl secondary r0' 'device is open \(mounted or in use\)'
	expect_eq "$(field alpha role)" primary "alpha's role after the refused demotion"
	ok alpha 'umount /mnt/t && tandemctl secondary r0'
	wait_field beta peer_role secondary

	step "plain promotion needs up-to-date data"
	ok beta 'tandemctl primary r0'
	wait_field alpha peer_role primary
	refused alpha 'tandemctl primary r0' 'the peer is primary'

	step "primary --wait: a switch-over, the waiting node promoted once the peer steps down"
	refused alpha 'SECONDS=0; out=$(tandemctl primary r0 --wait 2 2>&1); rc=$?
		echo "$out (waited $SECONDS s)"; [ $SECONDS -ge 2 ] || exit 0; exit $rc' 'the peer is primary.*waited'
	ok alpha 'rm -f /run/w.rc; (tandemctl primary r0 --wait 60 > /run/w.out 2>&1; echo $? > /run/w.rc) &'
	sleep 3
	ok alpha '[ ! -e /run/w.rc ] && tandemctl status r0 --json'
	grep -q '"role":"secondary"' <<<"$OUT" || fail "alpha promoted while beta is primary" "$OUT"
	ok beta 'tandemctl secondary r0'
	ok alpha 'for i in $(seq 200); do [ -s /run/w.rc ] && break; sleep 0.1; done; cat /run/w.out; [ "$(cat /run/w.rc)" = 0 ]'
	expect_eq "$(field alpha role)" primary "alpha's role after its waited promotion"
	ok alpha 'tandemctl secondary r0'
	wait_field beta peer_role secondary
	ok beta 'tandemctl primary r0'
	wait_field alpha peer_role primary
	ok beta 'tandemctl secondary r0'
	wait_field alpha peer_role secondary

	step "a resync target is inconsistent and cannot be promoted, even with --force"
	ok beta 'tandemctl disconnect r0'
	ok alpha 'tandemctl primary r0 && dd if=/dev/urandom of=/dev/tandem0 bs=1M count=48 oflag=direct status=none'
	# The source's cap paces the resync: 48 MiB at 4 MiB/s leaves time to look.
	ok alpha 'tandemctl disconnect r0'
	connect_res alpha --protocol sync --resync-rate 4
	connect_res beta --protocol sync
	wait_field beta connection connected
	expect_eq "$(field beta disk_state)" inconsistent "beta during the resync"
	expect_eq "$(field beta sync)" target "beta's part in the resync"
	expect_eq "$(field alpha sync)" source "alpha's part in the resync"
	expect_eq "$(field alpha resync_rate_mib)" 4 "alpha's resync cap"
	refused beta 'tandemctl primary r0 --force' 'a resync to this node is running'
	ok alpha 'tandemctl secondary r0'
	wait_field beta peer_role secondary
	refused beta 'tandemctl primary r0' 'local data is not known to be up to date; use --force'
	step "primary --wait does not wait out a refusal that will not end by itself"
	refused beta 'SECONDS=0; out=$(tandemctl primary r0 --wait 60 2>&1); rc=$?
		echo "$out (returned after $SECONDS s)"; [ $SECONDS -le 5 ] || exit 0; exit $rc' 'not known to be up to date.*returned after'
	refused beta 'tandemctl primary r0 --force' 'a resync to this node is running'
	expect_eq "$(field beta role)" secondary "beta's role"
	ok beta 'tandemctl wait-sync r0 --timeout 120'
	ok beta 'tandemctl primary r0 && tandemctl secondary r0' 

	step "standalone: disconnect, status, reconnect refused while connected"
	refused alpha 'tandemctl connect r0 --local 10.99.0.1:7790 --peer 10.99.0.2:7790' 'already connected'
	ok alpha 'tandemctl disconnect r0 && tandemctl status r0 --json'
	grep -q '"connection":"standalone"' <<<"$OUT" || fail "alpha should be standalone" "$OUT"
	refused alpha 'tandemctl disconnect r0' 'not connected'
}
