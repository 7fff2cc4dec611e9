description="keepalived recipe, the primary's disk dies under a writer that fsyncs each line: alpha goes diskless and the writer goes on through beta without an error; keepalived's check fails on alpha, it steps down, beta takes the address and the data with every line alpha acknowledged"
groups="ha fault"
requires="keepalived mkfs.ext4 dmsetup"

DISK_SECTORS=524288
# The service: appends 1, 2, 3... to acked.log, each fsynced before it
# counts (in /tmp/acked, outside the replicated disk). Stopped by the
# step-down (VRRP_STOP; "[/]" so that pkill -f spares the shell running it).
WRITER='i=0; while i=$((i + 1)); echo $i >> /mnt/svc/acked.log && sync /mnt/svc/acked.log; do echo $i > /tmp/acked; done'

run_test() {
	local vm n
	for vm in alpha beta; do
		ok "$vm" "dmsetup create disk --table '0 $DISK_SECTORS linear /dev/vda 0' && dmsetup mknodes disk &&
			printf '%s\n' '$WRITER' > /tmp/acked-writer && chmod +x /tmp/acked-writer"
	done
	conf_pair_up /dev/mapper/disk
	ok alpha 'tandemctl primary r0 --force && mkfs.ext4 -q -F /dev/tandem0 && tandemctl secondary r0'
	wait_field beta disk_state uptodate
	VRRP_STOP='pkill -f [/]tmp/acked-writer; sync' keepalived_up alpha 100
	wait_vip alpha
	VRRP_STOP='pkill -f [/]tmp/acked-writer; sync' keepalived_up beta 90
	sleep 3
	has_vip beta && fail "beta should be backup"

	step "the writer runs on alpha; 3 s in, alpha's disk fails every I/O"
	ok alpha "setsid sh /tmp/acked-writer < /dev/null > /dev/null 2>&1 &"
	sleep 3
	ok alpha "dmsetup suspend disk && echo '0 $DISK_SECTORS error' | dmsetup reload disk && dmsetup resume disk"
	wait_field alpha disk_state diskless 30

	step "keepalived moves the service: alpha steps down, beta takes the address and the data"
	wait_vip beta
	ok alpha 'for i in $(seq 40); do pgrep -f [/]tmp/acked-writer >/dev/null || exit 0; sleep 0.25; done; exit 1'
	n=$(on alpha 'cat /tmp/acked')
	[ "${n:-0}" -gt 10 ] || fail "the writer should have acknowledged lines before and after the failure" "$n"
	ok alpha 'grep -E "stepping down|secondary" /run/tandem-vrrp-r0.log'
	expect_eq "$(field alpha role)" secondary "alpha's role"
	ok beta 'ls /mnt/svc'
	grep -q served-by-beta <<<"$OUT" || fail "beta's service should have started" "$OUT"
	ok beta "sort -n /mnt/svc/acked.log | uniq | awk -v n=$n 'NR != \$1 { print \"missing\", NR; exit 1 } END { if (NR < n) { print \"only\", NR, \"of\", n; exit 1 } }'"
	step "every line alpha acknowledged ($n) is on beta"
	ok alpha 'dmesg'
	grep -q 'disk state diskless, I/O goes to the peer' <<<"$OUT" || fail "alpha should log the detach" "$OUT"
	ok alpha 'kill $(cat /run/keepalived.pid)'
	ok beta 'kill $(cat /run/keepalived.pid)'
}
