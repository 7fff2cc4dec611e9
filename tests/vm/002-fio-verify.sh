description="fio --verify=crc32c through /dev/tandem0: random mixed sizes, sequential, direct I/O"
groups="basic"
requires="fio"

run_test() {
	ok alpha 'modprobe tandem && blkdiscard -f /dev/vda && tandemctl create-md r0 --disk /dev/vda --force >/dev/null && tandemctl attach r0 --minor 0 --disk /dev/vda && tandemctl primary r0 --force'
	step "random writes, 4k..512k, QD 16, direct, verified"
	ok alpha 'fio --name=rand --filename=/dev/tandem0 --direct=1 --ioengine=libaio --rw=randwrite \
		--bsrange=4k-512k --iodepth=16 --size=128m --verify=crc32c --verify_fatal=1 \
		--do_verify=1 --randseed=42 --output-format=terse --terse-version=3 | cut -d";" -f1-3'
	step "sequential writes, 1M, QD 4, then a separate read-verify pass"
	ok alpha 'fio --name=seq --filename=/dev/tandem0 --direct=1 --ioengine=libaio --rw=write --bs=1m \
		--iodepth=4 --offset=128m --size=128m --verify=crc32c --verify_fatal=1 --do_verify=0 \
		--output-format=terse >/dev/null && \
		fio --name=seq --filename=/dev/tandem0 --direct=1 --ioengine=libaio --rw=read --bs=1m \
		--iodepth=4 --offset=128m --size=128m --verify=crc32c --verify_fatal=1 --verify_only \
		--output-format=terse >/dev/null'
	step "buffered mixed read/write with fsync"
	ok alpha 'fio --name=mix --filename=/dev/tandem0 --ioengine=psync --rw=randrw --bsrange=512-64k \
		--size=32m --offset=256m --fsync=16 --verify=md5 --verify_fatal=1 --output-format=terse >/dev/null'
	ok alpha 'tandemctl status r0 --json'
	grep -q '"errors":0' <<<"$OUT" || fail "no I/O errors expected" "$OUT"
	grep -qE '"flushes":[1-9]' <<<"$OUT" || fail "fsync should have sent flushes" "$OUT"
	step "what /dev/tandem0 holds is what the backing disk holds"
	ok alpha 'sum() { dd if=$1 bs=1M count=300 iflag=direct status=none | sha256sum | cut -d" " -f1; }
a=$(sum /dev/tandem0); tandemctl detach r0; b=$(sum /dev/vda); echo "$a $b"; [ "$a" == "$b" ]'
}
