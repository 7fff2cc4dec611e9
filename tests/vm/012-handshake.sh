description="handshake: secrets (match, mismatch, one-sided), name/protocol mismatches, sizes agreed or refused, strangers and broken peers refused"
groups="replicate"
requires="python3"

# try_pair ALPHA_OPTS BETA_OPTS: r0 on fresh metadata on both, with those connect options.
try_pair() {
	local vm
	for vm in alpha beta; do
		on "$vm" 'tandemctl disconnect r0; tandemctl detach r0' >/dev/null 2>&1 || true
		ok "$vm" "modprobe tandem && tandemctl create-md r0 --disk ${DISK[$vm]:-/dev/vda} --force >/dev/null &&
			tandemctl attach r0 --minor 0 --disk ${DISK[$vm]:-/dev/vda}"
	done
	connect_res alpha $1
	connect_res beta $2
}

# refused_both TEXT: neither side connects; both say why.
refused_both() {
	local vm
	for vm in alpha beta; do
		wait_field "$vm" last_error "$1"
		expect_eq "$(field "$vm" connection)" connecting "$vm connection state"
	done
}

run_test() {
	declare -A DISK
	ok alpha 'umask 077; printf "s3cret-one\n" > /tmp/s1; printf "s3cret-two" > /tmp/s2; cp /tmp/s1 /tmp/s1b'
	ok beta 'umask 077; printf "s3cret-one\n" > /tmp/s1; printf "s3cret-two" > /tmp/s2; printf x > /tmp/open; chmod 644 /tmp/open'

	step "same secret: authenticated"
	try_pair "--secret-file /tmp/s1" "--secret-file /tmp/s1"
	wait_field alpha connection connected
	expect_eq "$(field beta authentication)" hmac-sha256 "beta authentication"
	step "no secret: connects, unauthenticated"
	try_pair "" ""
	wait_field alpha connection connected
	expect_eq "$(field alpha authentication)" none "alpha authentication"

	step "different secrets: refused"
	try_pair "--secret-file /tmp/s1" "--secret-file /tmp/s2"
	sleep 3
	for vm in alpha beta; do
		expect_eq "$(field "$vm" connection)" connecting "$vm with a wrong secret"
		on "$vm" 'tandemctl status r0' | grep -q 'authentication failed' ||
			fail "$vm should say authentication failed" "$(on "$vm" 'tandemctl status r0; dmesg | tail')"
	done
	step "the refused pair does not spin: alpha (connecting) retries at most 4 times in 4 s; one log line each"
	ok alpha 'a=$(awk "/^Tcp:/ && n++ {print \$6}" /proc/net/snmp); sleep 4
		b=$(awk "/^Tcp:/ && n++ {print \$6}" /proc/net/snmp); echo $((b - a))'
	[ "$OUT" -le 4 ] || fail "alpha opened $OUT connections in 4 s after a refusal"
	for vm in alpha beta; do
		ok "$vm" 'dmesg | grep -c "authentication failed"'
		expect_eq "$OUT" 1 "$vm: log lines for the refusal"
	done
	step "a secret on one side only: refused"
	try_pair "--secret-file /tmp/s1" ""
	sleep 3
	for vm in alpha beta; do
		on "$vm" 'tandemctl status r0' | grep -q 'only one side has a shared secret' ||
			fail "$vm should say only one side has a secret" "$(on "$vm" 'tandemctl status r0')"
	done
	refused beta 'tandemctl connect r0 --local 10.99.0.2:7791 --peer 10.99.0.1:7791 --secret-file /tmp/open' 'readable by others'

	step "mismatched protocol and size: refused with the reason on both sides"
	try_pair "--protocol async" "--protocol sync"
	sleep 3
	for vm in alpha beta; do
		on "$vm" 'tandemctl status r0' | grep -q 'replication protocols differ' ||
			fail "$vm: protocol mismatch" "$(on "$vm" 'tandemctl status r0')"
	done

	step "disks of different sizes, no data yet: both take the smaller"
	DISK[beta]=/dev/vdb
	try_pair "" ""
	wait_field alpha connection connected
	expect_eq "$(field alpha size)" "$(field beta size)" "the device's size on both"
	expect_eq "$(field alpha size)" "$(field beta max_size)" "the device's size (beta's disk)"
	[ "$(field alpha max_size)" -gt "$(field alpha size)" ] ||
		fail "alpha's disk holds more than the device" "$(on alpha 'tandemctl status r0 -v')"
	ok alpha 'tandemctl status r0 -v'
	grep -q 'size .*(this disk holds 1023.9MiB)' <<<"$OUT" || fail "status should say what the disk holds" "$OUT"

	step "data in use at a size the peer's disk cannot hold: refused"
	try_pair "" ""
	ok alpha 'tandemctl disconnect r0'
	ok beta 'tandemctl disconnect r0'
	ok alpha 'tandemctl detach r0 && tandemctl create-md r0 --disk /dev/vda --force >/dev/null &&
		tandemctl attach r0 --minor 0 --disk /dev/vda && tandemctl primary r0 --force'
	connect_res alpha
	connect_res beta
	refused_both "a disk is too small for the device's data"
	ok alpha 'tandemctl secondary r0'
	DISK[beta]=/dev/vda

	step "a stranger's connection is refused and logged; the peer still gets in"
	# beta (10.99.0.2) is the listening side; alpha gets a second address.
	try_pair "" ""
	ok alpha 'tandemctl disconnect r0; ip addr add 10.99.0.3/24 dev eth1'
	ok alpha 'python3 -c "
import socket
s = socket.socket(); s.bind((\"10.99.0.3\", 0)); s.connect((\"10.99.0.2\", 7789))
s.settimeout(3)
print(\"closed\" if s.recv(100) == b\"\" else \"data\")
"'
	expect_eq "$OUT" closed "what the stranger got"
	ok beta 'dmesg | grep "refused a connection from 10.99.0.3"'
	wait_field beta last_error "refused a connection from an unexpected address"

	step "a broken peer sending garbage is dropped, nothing applied"
	ok alpha 'python3 -c "
import socket
s = socket.socket(); s.bind((\"10.99.0.1\", 0)); s.connect((\"10.99.0.2\", 7789))
s.sendall(b\"TDM1\" + bytes(range(200)))
s.settimeout(3)
try:
    while s.recv(4096): pass
    print(\"dropped\")
except Exception as e:
    print(\"not dropped\", e)
"'
	expect_eq "$OUT" dropped "the broken peer's fate"
	connect_res alpha
	wait_field alpha connection connected
	wait_field beta connection connected
	ok alpha 'ip addr del 10.99.0.3/24 dev eth1'
}
