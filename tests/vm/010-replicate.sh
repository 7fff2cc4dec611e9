description="async then sync: fio --verify on the primary, both disks identical, fail over to beta and read alpha's files"
groups="replicate quick"
requires="fio mkfs.ext4"

replicate_with() {
	local proto=$1 sums
	step "$proto: connect, promote alpha"
	pair_up "$proto"
	expect_eq "$(field beta connection) $(field beta protocol)" "connected $proto" "beta status"

	step "$proto: random writes 4k..256k and sequential 1M, verified"
	ok alpha 'fio --name=rand --filename=/dev/tandem0 --direct=1 --ioengine=libaio --rw=randwrite \
		--bsrange=4k-256k --iodepth=16 --size=128m --verify=crc32c --verify_fatal=1 \
		--randseed=7 --output-format=terse >/dev/null && \
		fio --name=seq --filename=/dev/tandem0 --direct=1 --ioengine=libaio --rw=write --bs=1m \
		--iodepth=4 --offset=128m --size=128m --verify=crc32c --verify_fatal=1 --output-format=terse >/dev/null && \
		blkdiscard -z -o 300M -l 4M /dev/tandem0'
	step "$proto: a filesystem with files"
	ok alpha 'mkfs.ext4 -q -F -E nodiscard /dev/tandem0 && mkdir -p /mnt/t && mount /dev/tandem0 /mnt/t &&
		cp -a /usr/share/doc/fio /usr/share/doc/e2fsprogs /mnt/t/ && head -c 20M /dev/urandom > /mnt/t/blob &&
		cd /mnt/t && find . -type f | sort | xargs sha256sum > /tmp/sums && cd / && umount /mnt/t'
	wait_drained
	ok alpha 'tandemctl status r0 --json'
	grep -qE '"sent":[1-9]' <<<"$OUT" || fail "alpha sent nothing" "$OUT"
	same_data "$proto"
	ok beta 'tandemctl status r0 --json'
	grep -q '"errors":0' <<<"$OUT" || fail "beta errors" "$OUT"

	step "$proto: alpha secondary, beta primary, mount on beta, same files"
	ok alpha 'tandemctl secondary r0'
	wait_field beta peer_role secondary
	ok beta 'tandemctl primary r0 && mkdir -p /mnt/t && mount /dev/tandem0 /mnt/t'
	sums=$(on alpha 'cat /tmp/sums')
	ok beta "cd /mnt/t && sha256sum --quiet -c <<'EOS' && echo same
$sums
EOS"
	expect_eq "$OUT" same "files on beta ($proto)"
	ok beta 'umount /mnt/t && tandemctl secondary r0 && tandemctl disconnect r0 && tandemctl detach r0'
	ok alpha 'tandemctl disconnect r0 && tandemctl detach r0'
}

run_test() {
	replicate_with async
	replicate_with sync
}
