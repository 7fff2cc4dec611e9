description="bad attach/detach input is refused with a clear message and changes nothing"
groups="basic quick"
requires="mkfs.ext4 fuser"

# refused_unchanged VM CMD REGEX: refused, and the VM's tandem state is as before.
refused_unchanged() {
	local before after
	before=$(state_of "$1")
	refused "$@"
	after=$(state_of "$1")
	[ "$before" == "$after" ] || fail "state changed by a refused command: $2" "$(diff <(echo "$before") <(echo "$after"))"
}

run_test() {
	step "the module is loaded on demand by its netlink family alias"
	ok alpha '! test -d /sys/module/tandem && tandemctl status && test -d /sys/module/tandem && rmmod tandem'
	step "without the module installed"
	ok alpha 'mv /lib/modules/$(uname -r)/extra/tandem.ko /tmp/'
	refused alpha 'tandemctl status' 'the tandem module is not loaded \(run: modprobe tandem\)'
	refused alpha 'tandemctl status; echo "exit=$?"; exit 1' 'exit=3'
	ok alpha 'mv /tmp/tandem.ko /lib/modules/$(uname -r)/extra/'

	ok alpha 'modprobe tandem && tandemctl create-md r0 --disk /dev/vda --force >/dev/null && tandemctl attach r0 --minor 0 --disk /dev/vda && tandemctl primary r0 --force'
	ok alpha 'mkfs.ext4 -q -F /dev/vdb && mkdir -p /mnt/b /mnt/t && mount /dev/vdb /mnt/b'

	step "backing disk"
	refused_unchanged alpha 'tandemctl attach r1 --minor 1 --disk /dev/nonexistent' 'disk /dev/nonexistent.*backing disk does not exist'
	refused_unchanged alpha 'tandemctl attach r1 --minor 1 --disk /etc/passwd' 'backing disk is not a block device'
	refused_unchanged alpha 'tandemctl attach r1 --minor 1 --disk /tmp' 'backing disk is not a block device'
	refused_unchanged alpha 'tandemctl attach r1 --minor 1 --disk /dev/vdb' 'disk /dev/vdb.*backing disk is in use'
	refused_unchanged alpha 'tandemctl attach r1 --minor 1 --disk /dev/vda' 'disk /dev/vda.*backing disk is in use'
	refused_unchanged alpha 'tandemctl attach r1 --minor 1 --disk LABEL=no-such-label' 'no disk has LABEL=no-such-label'
	refused_unchanged alpha "tandemctl attach r1 --minor 1 --disk /$(printf 'p%.0s' {1..4094})" 'backing disk does not exist|too long'
	refused_unchanged alpha "tandemctl attach r1 --minor 1 --disk /$(printf 'p%.0s' {1..4095})" 'disk path is too long'
	step "a disk held by tandem cannot be opened exclusively by anyone else"
	refused_unchanged alpha 'mkfs.ext4 -q -F /dev/vda' 'in use|busy'
	ok alpha 'umount /mnt/b'

	step "names and minors"
	refused_unchanged alpha 'tandemctl attach r1 --minor 0 --disk /dev/vdb' 'minor is already used by another resource'
	refused_unchanged alpha 'tandemctl attach r0 --minor 1 --disk /dev/vdb' 'resource already exists'
	refused_unchanged alpha "tandemctl attach $(printf 'n%.0s' {1..64}) --minor 1 --disk /dev/vdb" 'too long \(at most 63'
	refused_unchanged alpha 'tandemctl attach "my disk" --minor 1 --disk /dev/vdb' 'only contain letters'
	refused_unchanged alpha 'tandemctl attach ../x --minor 1 --disk /dev/vdb' "must not start with '.'"
	refused_unchanged alpha 'tandemctl attach r1 --minor 1024 --disk /dev/vdb' 'minor must be a number from 0 to 1023'
	refused_unchanged alpha 'tandemctl attach r1 --minor -1 --disk /dev/vdb' 'minor must be a number'
	refused_unchanged alpha 'tandemctl attach r1 --minor 1x --disk /dev/vdb' 'minor must be a number'
	refused_unchanged alpha 'tandemctl attach r1 --disk /dev/vdb' 'missing --minor'
	refused_unchanged alpha 'tandemctl attach r1 --minor 1' 'missing --disk'
	refused_unchanged alpha 'tandemctl attach --minor 1 --disk /dev/vdb' 'missing resource name'
	refused_unchanged alpha 'tandemctl attach r1 --minor 1 --disk /dev/vdb --bogus' 'unknown option|unrecognized'
	refused_unchanged alpha 'tandemctl frobnicate' "unknown command 'frobnicate'"
	step "attach with the name alone reads the resource files, which are missing here"
	refused_unchanged alpha 'tandemctl attach r1' 'no resource files \(\*\.res\) in /etc/tandem'
	refused alpha 'tandemctl attach r1; echo "exit=$?"; exit 1' 'exit=4'

	step "detach"
	refused_unchanged alpha 'tandemctl detach nosuch' 'detach nosuch: no such resource'
	refused alpha 'tandemctl detach nosuch; echo "exit=$?"; exit 1' 'exit=3'
	refused_unchanged alpha 'tandemctl status nosuch' 'no such resource'
	ok alpha 'mkfs.ext4 -q -F /dev/tandem0 && mount /dev/tandem0 /mnt/t'
	refused_unchanged alpha 'tandemctl detach r0' 'device is open \(mounted or in use\)'
	refused_unchanged alpha 'rmmod tandem' 'in use'
	ok alpha 'umount /mnt/t'
	ok alpha 'nohup sleep 600 < /dev/tandem0 > /dev/null 2>&1 & sleep 0.5; tandemctl status r0 --json'
	grep -q '"open_count":1' <<<"$OUT" || fail "open_count with a process holding the device" "$OUT"
	refused_unchanged alpha 'tandemctl detach r0' 'device is open'
	ok alpha 'fuser -k /dev/tandem0; sleep 0.5; tandemctl detach r0 && ! test -e /dev/tandem0'
	ok alpha 'tandemctl status'
	expect_eq "$OUT" "no resources" "status after the last detach"
}
