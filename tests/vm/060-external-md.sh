description="external metadata: an ext4 with files put under tandem in place (its disk left as it was), replicated, read on both, and taken out again; wrong metadata disks refused"
groups="basic resync"
requires="mkfs.ext4 fsck.ext4 mkswap"

# Each VM: "tdata" (128 MiB at the start of vda: disk_sum reads it there),
# "tmeta" (1 MiB of vdb) for its metadata, "tother" (64 MiB of vda) and
# "tsmall" (32 KiB of vdb), "todd" (128 MiB less 512 bytes) and "tsame"
# (128 MiB, another dm UUID) for the refusals.
DATA=/dev/mapper/tdata
META=/dev/mapper/tmeta
M=/mnt/extmd	# under /mnt: the harness's reset unmounts it

disks() {
	ok "$1" 'modprobe tandem && blkdiscard -f /dev/vda >/dev/null && blkdiscard -f /dev/vdb >/dev/null &&
		dmsetup create tdata --uuid TANDEM-TEST-DATA --table "0 262144 linear /dev/vda 0" &&
		dmsetup create tsame --uuid TANDEM-TEST-SAME --table "0 262144 linear /dev/vda 786432" &&
		dmsetup create tother --table "0 131072 linear /dev/vda 262144" &&
		dmsetup create tmeta --table "0 2048 linear /dev/vdb 0" &&
		dmsetup create tsmall --table "0 64 linear /dev/vdb 4096" &&
		dmsetup create todd --table "0 262143 linear /dev/vda 524288" && dmsetup mknodes'
}

# files VM NAME: NAME1..NAME12 of random data in the mounted filesystem; their sums.
files() {
	ok "$1" "for i in \$(seq 1 12); do head -c \$((i * 41000)) /dev/urandom > $M/$2\$i; done && sync &&
		cd $M && sha256sum $2*"
}

# check_files VM SUMS: every file SUMS lists is in the mounted filesystem, intact.
check_files() {
	ok "$1" "cd $M && sha256sum -c --quiet <<'EOF'
$2
EOF"
}

data_sum() { on "$1" "dd if=$DATA bs=1M iflag=direct status=none | sha256sum"; }

run_test() {
	local before sums1 sums2 size

	disks alpha
	disks beta

	step "alpha: a filesystem with files, before tandem"
	ok alpha "mkfs.ext4 -q -L olddata $DATA && mkdir -p $M && mount $DATA $M"
	files alpha a
	sums1=$OUT
	refused alpha "tandemctl create-md r0 --disk $DATA --meta-disk $META" 'in use'
	ok alpha "umount $M"
	before=$(data_sum alpha)

	step "create-md --meta-disk: refusals, nothing written"
	refused alpha "tandemctl create-md r0 --disk $DATA --meta-disk $DATA" \
		'metadata disk is the disk itself'
	refused alpha "tandemctl create-md r0 --meta-disk $META" '--meta-disk goes with --disk'
	refused alpha "tandemctl create-md r0 --disk $DATA --meta-disk /dev/mapper/tsmall" \
		'metadata disk is too small'
	refused alpha "tandemctl create-md r0 --disk /dev/mapper/todd --meta-disk $META" \
		'todd is not a multiple of 4 KiB: its last 3584 bytes would be cut off'
	ok alpha 'mkswap /dev/mapper/tmeta >/dev/null'
	refused alpha "tandemctl create-md r0 --disk $DATA --meta-disk $META" \
		'metadata disk /dev/mapper/tmeta holds swap signature.*--force'
	ok alpha "blkdiscard -f $META"
	ok alpha "tandemctl dump-md r0 --disk $META 2>&1 || true"
	grep -q 'no tandem metadata' <<<"$OUT" || fail "refused create-md wrote metadata" "$OUT"
	expect_eq "$(data_sum alpha)" "$before" "alpha's data disk after refused create-md"

	step "create-md --meta-disk: the data disk is left as it is"
	ok alpha "tandemctl create-md r0 --disk $DATA --meta-disk $META"
	grep -q "written to $META for $DATA: 128 MiB of data, left as it is (ext4 signature (label olddata)), 44 KiB of metadata; the data disk is known by dm/uuid:TANDEM-TEST-DATA" <<<"$OUT" ||
		fail "create-md should say the data stays, and how it knows the data disk" "$OUT"
	expect_eq "$(data_sum alpha)" "$before" "alpha's data disk after create-md"
	ok alpha "tandemctl dump-md r0 --disk $META --json"
	for kv in '"metadata":"external"' '"flags":"external"' '"data_size":134217728' '"data_ident":' \
		  '"disk_size":1048576' '"bitmap_bits":32768' '"bitmap_bad_blocks":0'; do
		grep -qF "$kv" <<<"$OUT" || fail "dump-md should show $kv" "$OUT"
	done

	step "attach: the wrong disks are refused and change nothing"
	ok alpha 'tandemctl create-md r1 --disk /dev/mapper/tother'
	refused alpha "tandemctl attach r0 --minor 0 --disk /dev/mapper/tother --meta-disk $META" \
		'made for another data disk than /dev/mapper/tother \(this one has no dm UUID'
	# The module's own check, without the tool's: ATTACH (1) with NAME (1),
	# MINOR (2), DISK (3), META_DISK (53).
	refused alpha "nlraw 1 1:str:r0 2:u32:0 3:str:/dev/mapper/tother 53:str:$META" \
		'made for a larger data disk'
	refused alpha "tandemctl attach r0 --minor 0 --disk /dev/mapper/tsame --meta-disk $META" \
		'made for another data disk than /dev/mapper/tsame \(dm/uuid:TANDEM-TEST-SAME\)'
	refused alpha "tandemctl attach r0 --minor 0 --disk $DATA" 'no tandem metadata on this disk'
	refused alpha "tandemctl attach r0 --minor 0 --disk $DATA --meta-disk /dev/mapper/tother" \
		'the metadata there is internal'
	refused alpha "tandemctl attach r0 --minor 0 --disk $DATA --meta-disk $DATA" \
		'the metadata disk is the backing disk'
	refused alpha "tandemctl attach r0 --minor 0 --disk $DATA --meta-disk /dev/nope" \
		'metadata disk does not exist'
	refused alpha "tandemctl attach r0 --meta-disk $META" '--meta-disk goes with --disk and --minor'
	ok alpha "tandemctl dump-md r0 --disk $META --json; ls /dev | grep -c tandem || true"
	grep -q '"flags":"external"' <<<"$OUT" || fail "refused attaches changed the metadata" "$OUT"
	expect_eq "$(tail -n1 <<<"$OUT")" 0 "tandem devices after refused attaches"
	expect_eq "$(data_sum alpha)" "$before" "alpha's data disk after refused attaches"

	step "attach: /dev/tandem0 is the whole data disk, with the files"
	ok alpha "tandemctl attach r0 --minor 0 --disk $DATA --meta-disk $META && tandemctl status r0 --json"
	grep -q "\"meta_disk\":\"$META\"" <<<"$OUT" || fail "status should name the metadata disk" "$OUT"
	size=$(field alpha size)
	expect_eq "$size" 134217728 "size of tandem0 (the whole data disk)"
	ok alpha "tandemctl status r0 -v"
	grep -q "metadata *$META" <<<"$OUT" || fail "status -v should name the metadata disk" "$OUT"
	ok alpha 'ls /sys/block/dm-*/holders/ | grep -c tandem0'
	expect_eq "$OUT" 2 "dm devices holding tandem0 (data and metadata disk)"

	step "beta, from its resource file (meta-disk): an empty disk, synced in full from alpha"
	ok beta "mkdir -p /tmp/tconf && cat > /tmp/tconf/r0.res <<'EOF'
resource r0 {
	minor 0;
	insecure;
	node alpha { disk $DATA; meta-disk $META; address 10.99.0.1:7789; }
	node beta { disk $DATA; meta-disk $META; address 10.99.0.2:7789; }
}
EOF
TANDEM_CONFIG_DIR=/tmp/tconf tandemctl check-config"
	grep -q "disk $DATA, metadata on $META" <<<"$OUT" || fail "check-config should show the metadata disk" "$OUT"
	ok beta 'TANDEM_CONFIG_DIR=/tmp/tconf tandemctl create-md r0 && TANDEM_CONFIG_DIR=/tmp/tconf tandemctl attach r0 &&
		TANDEM_CONFIG_DIR=/tmp/tconf tandemctl dump-md r0 --json'
	grep -q '"metadata":"external"' <<<"$OUT" || fail "dump-md from the resource file reads the metadata disk" "$OUT"
	connect_res alpha
	connect_res beta
	wait_field alpha connection connected
	ok alpha 'tandemctl primary r0 --force'
	wait_field beta disk_state uptodate 120
	wait_field alpha peer_disk_state uptodate

	step "alpha primary: the files are there; more written through tandem"
	ok alpha "mount /dev/tandem0 $M"
	check_files alpha "$sums1"
	files alpha b
	sums2=$OUT
	ok alpha "umount $M && tandemctl secondary r0"
	wait_drained
	same_data "after the full sync and alpha's writes"

	step "beta primary: both sets of files"
	ok beta "tandemctl primary r0 && mkdir -p $M && mount /dev/tandem0 $M"
	check_files beta "$sums1"
	check_files beta "$sums2"
	ok beta "umount $M && tandemctl secondary r0"

	step "writes while disconnected go to the bitmap on the metadata disk; reconnect resyncs only them"
	ok beta 'tandemctl disconnect r0'
	wait_field alpha connection connecting
	ok alpha "tandemctl primary r0 && dd if=/dev/urandom of=/dev/tandem0 bs=4k count=16 seek=1000 oflag=direct status=none &&
		tandemctl secondary r0 && tandemctl detach r0 && tandemctl dump-md r0 --disk $META --json"
	grep -q '"bitmap_bits_set":16' <<<"$OUT" || fail "16 blocks marked in the external bitmap" "$OUT"
	ok alpha "tandemctl attach r0 --minor 0 --disk $DATA --meta-disk $META"
	connect_res alpha
	connect_res beta
	wait_field alpha connection connected
	wait_field beta disk_state uptodate 60
	wait_field alpha out_of_sync 0
	ok alpha 'dmesg | grep -o "resync to the peer: [0-9]* MiB" | tail -n1'
	grep -q 'resync to the peer: 0 MiB' <<<"$OUT" || fail "only the 64 KiB written should be resynced" "$OUT"
	same_data "after the bitmap resync"

	step "out again: detach, and the data disk is a plain ext4 with every file"
	ok alpha 'tandemctl detach r0'
	ok alpha "fsck.ext4 -n $DATA >/dev/null && mount -o ro $DATA $M"
	check_files alpha "$sums1"
	check_files alpha "$sums2"
	ok alpha "umount $M"
}
