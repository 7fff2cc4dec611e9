description="resource files: check-config errors with their position, up/down/adjust by name, udev-name, status colours, the user story (create-md, up, primary, mkfs, mount, switch over) from the files alone"
groups="basic replicate"
requires="mkfs.ext4"

run_test() {
	local vm
	for vm in alpha beta; do
		write_conf "$vm"
	done
	step "check-config: this node found by its host name"
	ok alpha "TANDEM_CONFIG_DIR=$CONF tandemctl check-config"
	expect_eq "$OUT" "r0: minor 0, protocol sync, this node alpha (disk /dev/vda, 10.99.0.1:7789), peer beta (10.99.0.2:7789), authenticated" "check-config on alpha"

	step "configuration errors: file, line and column, exit code 4, nothing changed"
	ok alpha "cp $CONF/r0.res /tmp/r0.good && sed -i 's/minor 0;/minor 0/' $CONF/r0.res"
	refused alpha "TANDEM_CONFIG_DIR=$CONF tandemctl check-config; echo rc=\$?; exit 1" \
		"^tandemctl: $CONF/r0.res:3:2: expected ';' after the value of 'minor', found 'secret-file'"
	grep -q '^rc=4$' <<<"$OUT" || fail "a config error should exit with 4" "$OUT"
	ok alpha "sed -i 's/minor 0/minr 0;/' $CONF/r0.res"
	refused alpha "TANDEM_CONFIG_DIR=$CONF tandemctl up r0" "r0.res:2:2: unknown keyword 'minr'"
	ok alpha "cp /tmp/r0.good $CONF/r0.res && chmod 644 $CONF/r0.secret"
	refused alpha "TANDEM_CONFIG_DIR=$CONF tandemctl check-config" "r0.secret is readable by others"
	ok alpha "chmod 600 $CONF/r0.secret"
	refused alpha "TANDEM_CONFIG_DIR=$CONF tandemctl --node gamma check-config" "has no node named 'gamma'"
	refused alpha "TANDEM_CONFIG_DIR=$CONF tandemctl up r9" "no resource 'r9'"
	ok alpha 'lsmod | grep -c "^tandem " || true'
	expect_eq "$OUT" 0 "the module after refused commands"

	step "the user story: create-md, up, primary --force, mkfs, mount"
	for vm in alpha beta; do
		ok "$vm" "blkdiscard -f /dev/vda && TANDEM_CONFIG_DIR=$CONF tandemctl create-md r0 >/dev/null"
	done
	ok alpha "TANDEM_CONFIG_DIR=$CONF tandemctl up r0 && TANDEM_CONFIG_DIR=$CONF tandemctl up all"
	# Both disks are zeroes: beta says so, the rest of its connect comes from the file.
	ok beta "TANDEM_CONFIG_DIR=$CONF tandemctl attach r0 && TANDEM_CONFIG_DIR=$CONF tandemctl connect r0 --assume-clean"
	wait_field alpha connection connected
	ok alpha 'tandemctl udev-name tandem0'
	expect_eq "$OUT" r0 "the udev rule's name for tandem0"
	refused alpha 'tandemctl udev-name /dev/tandem5' 'no resource has minor 5'
	step "status colours its states on a terminal only"
	ok alpha 'script -qc "tandemctl status r0" /dev/null'
	grep -q $'^  connection  *\e\[32mconnected\e\[0m' <<<"$OUT" || fail "no colour on a terminal" "$(cat -v <<<"$OUT")"
	ok alpha 'NO_COLOR=1 script -qc "tandemctl status r0" /dev/null; tandemctl status r0'
	! grep -q $'\e\[' <<<"$OUT" || fail "colour with NO_COLOR or into a pipe" "$(cat -v <<<"$OUT")"
	expect_eq "$(field alpha authentication)" hmac-sha256 "authentication from the secret file"
	expect_eq "$(field alpha protocol)" sync "protocol from the common block"
	expect_eq "$(field alpha resync_rate_mib)" 500 "resync rate from the resource's options"
	expect_eq "$(field alpha timeout_ms)" 3000 "timeout from the common block"

	step "adjust: options change live, the protocol and fencing are reported as not changed"
	ok alpha "cp $CONF/r0.res /tmp/r0.good && sed -i 's/resync-rate 500;/resync-rate 100; timeout 4000;/' $CONF/r0.res &&
		TANDEM_CONFIG_DIR=$CONF tandemctl adjust r0"
	grep -q '^r0: timeout 3000 -> 4000 ms$' <<<"$OUT" || fail "adjust should say what it changed" "$OUT"
	grep -q '^r0: resync-rate 500 -> 100 MiB/s' <<<"$OUT" || fail "adjust should say what it changed" "$OUT"
	expect_eq "$(field alpha resync_rate_mib)" 100 "resync rate after adjust"
	expect_eq "$(field alpha timeout_ms)" 4000 "timeout after adjust"
	ok alpha "sed -i 's/minor 0;/minor 0; protocol async;/' $CONF/r0.res"
	refused alpha "TANDEM_CONFIG_DIR=$CONF tandemctl adjust r0" \
		"^r0: protocol is sync, the file says async: not changed"
	expect_eq "$(field alpha protocol)" sync "protocol after a refused adjust"
	ok alpha "sed -i 's/minor 0; protocol async;/minor 0; fencing resource-only; handlers { fence-peer \/bin\/true; }/' $CONF/r0.res"
	refused alpha "TANDEM_CONFIG_DIR=$CONF tandemctl adjust r0" \
		"^r0: fencing is none, the file says resource-only, fence-peer /bin/true: not changed"
	ok alpha "cp /tmp/r0.good $CONF/r0.res && sed -i 's/minor 0;/minor 0; handlers { split-brain \/bin\/true; }/' $CONF/r0.res"
	refused alpha "TANDEM_CONFIG_DIR=$CONF tandemctl adjust r0" \
		"^r0: handler split-brain is none, the file says /bin/true: not changed"
	ok alpha "cp /tmp/r0.good $CONF/r0.res && TANDEM_CONFIG_DIR=$CONF tandemctl adjust all"
	expect_eq "$(field alpha resync_rate_mib)" 500 "resync rate after adjusting back"
	ok alpha "TANDEM_CONFIG_DIR=$CONF tandemctl adjust r0"
	expect_eq "$OUT" "" "adjust with nothing to change"
	ok alpha 'tandemctl primary r0 --force && tandemctl wait-sync r0 --timeout 300 &&
		mkfs.ext4 -q -F /dev/tandem0 && mkdir -p /mnt/t && mount /dev/tandem0 /mnt/t &&
		echo "written on alpha" > /mnt/t/hello && sync'
	refused alpha "TANDEM_CONFIG_DIR=$CONF tandemctl down r0" "is open"
	expect_eq "$(field alpha connection)" connected "alpha after a refused down"

	step "switch over: alpha down, beta primary and mounts the data"
	ok alpha "umount /mnt/t && TANDEM_CONFIG_DIR=$CONF tandemctl down r0 && ! ls /dev/tandem0 2>/dev/null"
	ok beta 'tandemctl primary r0 && mkdir -p /mnt/t && mount /dev/tandem0 /mnt/t && cat /mnt/t/hello'
	expect_eq "$OUT" "written on alpha" "the file on beta"
	step "alpha comes back with up and resyncs what beta wrote"
	ok beta 'echo "written on beta" > /mnt/t/hello2 && sync'
	ok alpha "TANDEM_CONFIG_DIR=$CONF tandemctl attach r0 && TANDEM_CONFIG_DIR=$CONF tandemctl connect r0 --protocol sync"
	ok beta 'tandemctl wait-sync r0 --timeout 120 && umount /mnt/t'
	ok beta "TANDEM_CONFIG_DIR=$CONF tandemctl down all"
	ok alpha "TANDEM_CONFIG_DIR=$CONF tandemctl down r0 && TANDEM_CONFIG_DIR=$CONF tandemctl down r0"
}
