description="attach, mkfs.ext4, files survive detach and re-attach, status while mounted"
groups="basic quick"
requires="mkfs.ext4"

run_test() {
	ok alpha 'modprobe tandem && tandemctl create-md r0 --disk /dev/vda --force >/dev/null && tandemctl attach r0 --minor 0 --disk /dev/vda && tandemctl primary r0 --force'
	ok alpha 'test -b /dev/tandem0 && blockdev --getsize64 /dev/tandem0 && tandemctl dump-md r0 --disk /dev/vda --json'
	expect_eq "\"data_size\":$(sed -n 1p <<<"$OUT")" "$(grep -o '"data_size":[0-9]*' <<<"$OUT")" "size of /dev/tandem0 vs the metadata's data size"
	ok alpha 'ls /sys/block/vda/holders'
	expect_eq "$OUT" "tandem0" "holders of vda"

	step "mkfs, mount, write files"
	ok alpha 'mkfs.ext4 -q -F /dev/tandem0 && mkdir -p /mnt/t && mount /dev/tandem0 /mnt/t
for i in 1 2 3 4 5; do head -c $((i * 777777)) /dev/urandom > /mnt/t/file$i; done
mkdir /mnt/t/dir && cp -a /usr/share/doc/e2fsprogs /mnt/t/dir/
cd /mnt/t && find . -type f | sort | xargs sha256sum > /tmp/sums && wc -l < /tmp/sums'
	[ "$OUT" -ge 6 ] || fail "expected at least 6 files, got $OUT"

	step "status while mounted shows the opener and the I/O"
	ok alpha 'tandemctl status r0 --json'
	grep -q '"open_count":1' <<<"$OUT" || fail "open_count should be 1 while mounted" "$OUT"
	grep -q '"disk":"/dev/vda"' <<<"$OUT" || fail "status should name the disk" "$OUT"
	grep -qE '"writes":[1-9]' <<<"$OUT" || fail "writes should be counted" "$OUT"
	ok alpha 'tandemctl status'
	grep -q '^  role  *primary$' <<<"$OUT" && ! grep -q backing <<<"$OUT" ||
		fail "text status: the role, not the details" "$OUT"
	ok alpha 'tandemctl status -v'
	for want in '^r0 /dev/tandem0$' '^  role  *primary$' '^  backing  */dev/vda$' \
		'^  size  *1023.9MiB$' '^  openers  *1$' '^  io  *reads [0-9]* ([^)]*), writes [1-9]'; do
		grep -q "$want" <<<"$OUT" || fail "text status -v: no line /$want/" "$OUT"
	done

	step "unmount, detach, the backing disk is free again"
	ok alpha 'umount /mnt/t && tandemctl detach r0 && ! test -e /dev/tandem0 && ! test -e /sys/block/tandem0'
	ok alpha 'ls /sys/block/vda/holders | wc -l'
	expect_eq "$OUT" 0 "holders of vda after detach"

	step "re-attach under another name and minor: same files, same checksums"
	ok alpha 'tandemctl attach data --minor 7 --disk /dev/vda && tandemctl primary data --force && mount /dev/tandem7 /mnt/t && cd /mnt/t && sha256sum --quiet -c /tmp/sums && echo same'
	expect_eq "$OUT" same "checksums after re-attach"
	ok alpha 'umount /mnt/t && tandemctl detach data && rmmod tandem'

	step "the backing disk holds the same filesystem without tandem"
	ok alpha 'fsck.ext4 -n -f /dev/vda >/dev/null 2>&1 && mount -o ro /dev/vda /mnt/t && cd /mnt/t && sha256sum --quiet -c /tmp/sums && echo same; cd /; umount /mnt/t'
	expect_eq "$OUT" same "checksums read from the backing disk directly"
}
