# Helpers for VM tests. Sourced by run.sh; every test runs in its own subshell,
# so a failed check ends just that test (exit 1).
# shellcheck shell=bash

PAIR=$TDM_TOP/scripts/vm/pair.sh
# What fails a test in a kernel log. Most reports start "BUG:" or "WARNING:"
# (KASAN, lockdep, "scheduling while atomic", "sleeping function called from
# invalid context", debug objects, WARN_ON); the rest are named as printed.
KLOG_BAD='\bBUG\b|WARNING|Oops|general protection|hung task|blocked for more than|refcount_t|list_(add|del) corruption|KASAN|UBSAN|ODEBUG|scheduling while atomic|sleeping function called|possible (circular|recursive) locking|inconsistent lock state|suspicious RCU usage|unreferenced object|suspected memory leak|leak detector disabled'

# on VM SCRIPT: run SCRIPT (bash) in VM from the tree's root; its output and exit code.
on() {
	local vm=$1
	shift
	"$PAIR" run "$vm" "cd '$TDM_TOP' || exit 125
$*"
}

klog() { "$PAIR" run "$1" 'dmesg' 2>/dev/null || tail -n 200 "$TDM_BUILD/vm/$1/console.log"; }

# Show both kernels' logs, for a failure report.
dump_logs() {
	local vm
	for vm in alpha beta; do
		echo "---- kernel log of $vm (last 60 lines) ----"
		klog "$vm" | tail -n 60
	done
}

fail() {
	echo "FAIL: $1"
	[ -z "${2:-}" ] || printf '%s\n' "$2" | sed 's/^/    | /'
	dump_logs
	exit 1
}

step() { echo "-- $*"; }

# ok VM SCRIPT: SCRIPT must succeed; its output is left in $OUT.
ok() {
	local vm=$1 cmd=$2 rc=0
	OUT=$(on "$vm" "$cmd" 2>&1) || rc=$?
	[ $rc -eq 0 ] || fail "on $vm, exit code $rc: $cmd" "$OUT"
}

# ok_both SCRIPT: SCRIPT on alpha and beta at once, as ok on each.
ok_both() {
	local out pid rc=0
	out=$(mktemp)
	on beta "$1" > "$out" 2>&1 &
	pid=$!
	ok alpha "$1"
	wait $pid || rc=$?
	OUT=$(cat "$out")
	rm -f "$out"
	[ $rc -eq 0 ] || fail "on beta, exit code $rc: $1" "$OUT"
}

# refused VM SCRIPT REGEX: SCRIPT must fail and print something matching REGEX.
refused() {
	local vm=$1 cmd=$2 want=$3 rc=0
	OUT=$(on "$vm" "$cmd" 2>&1) || rc=$?
	[ $rc -ne 0 ] || fail "on $vm, succeeded but should have failed: $cmd" "$OUT"
	[ $rc -ne 125 ] || fail "on $vm, VM gone: $cmd" "$OUT"
	grep -qE -- "$want" <<<"$OUT" || fail "on $vm, failed without saying /$want/: $cmd" "$OUT"
	step "refused as expected: $(head -n1 <<<"$OUT")"
}

# expect_eq GOT WANT WHAT
expect_eq() {
	[ "$1" == "$2" ] || fail "$3: got '$1', expected '$2'"
}

# A snapshot of everything a refused command must leave unchanged (I/O
# counters aside: probing disks by label legitimately reads them).
state_of() {
	on "$1" 'tandemctl status --json | sed "s/,\"io\":{[^}]*}//g"; ls /dev | grep tandem; ls /sys/block; cat /proc/mounts | grep -v -e " /proc" -e " /sys" -e " /dev" || true; for d in /sys/block/*/holders; do echo "$d: $(ls "$d")"; done'
}

# Bad lines in VM's kernel log: prints them, returns 0 if there are any.
klog_bad() { klog "$1" | grep -E "$KLOG_BAD"; }

# Replication helpers. The replication link: alpha 10.99.0.1, beta 10.99.0.2.
REP_IP_alpha=10.99.0.1
REP_IP_beta=10.99.0.2
peer_of() { [ "$1" == alpha ] && echo beta || echo alpha; }

# connect_res VM [connect options...]: connect r0 to the other VM on port 7789.
connect_res() {
	local vm=$1 peer
	shift
	peer=$(peer_of "$vm")
	ok "$vm" "tandemctl connect r0 --local $(eval echo \$REP_IP_$vm):7789 --peer $(eval echo \$REP_IP_$peer):7789 $*"
}

# field VM KEY: one field of r0's status --json (strings unquoted); empty
# if r0 has no such field.
field() {
	on "$1" 'tandemctl status r0 --json' | grep -o "\"$2\":\"\?[^,}\"]*" | head -n1 | sed 's/.*:"\?//' || true
}

# wait_field VM KEY VALUE [SECONDS]: poll until r0's KEY is VALUE.
wait_field() {
	local vm=$1 key=$2 want=$3 secs=${4:-20} i got
	for ((i = 0; i < secs * 4; i++)); do
		got=$(field "$vm" "$key")
		[ "$got" == "$want" ] && return 0
		sleep 0.25
	done
	fail "$vm: $key is '$got' after ${secs}s, expected '$want'" "$(on "$vm" 'tandemctl status r0; dmesg | tail -n 20')"
}

# disk_sum VM: md5 of VM's backing disk's data area (what tandem0 exposes).
# Read on the host, from the VM's disk image: the VM writes it with O_DIRECT
# (cache=none), so every write that completed in the VM is there, and the
# host hashes 1 GiB in a second where the emulated VM takes a minute.
disk_sum() {
	local sectors
	sectors=$(on "$1" 'cat /sys/block/tandem0/size') || fail "$1 has no /dev/tandem0 to size its data area"
	dd if="$TDM_BUILD/vm/$1/vda.img" bs=1M count=$((sectors * 512)) iflag=count_bytes status=none |
		md5sum | cut -d' ' -f1
}

# disk_sums: "alpha's beta's" disk_sum.
disk_sums() {
	echo "$(disk_sum alpha) $(disk_sum beta)"
}

# same_data WHAT: both backing disks' data areas are identical; if not,
# which 4 KiB blocks differ.
same_data() {
	local a b sectors
	read -r a b <<<"$(disk_sums)"
	[ "$a" == "$b" ] && return 0
	sectors=$(on alpha 'cat /sys/block/tandem0/size')
	fail "$1: beta's data differs from alpha's" "$(python3 - "$TDM_BUILD/vm/alpha/vda.img" \
		"$TDM_BUILD/vm/beta/vda.img" "$((sectors * 512))" <<'PY'
import sys
a, b, size = open(sys.argv[1], "rb"), open(sys.argv[2], "rb"), int(sys.argv[3])
diff = []
for off in range(0, size, 4096):
    if a.read(4096) != b.read(4096):
        diff.append(off // 4096)
print("%d blocks of 4 KiB differ; the first: %s" % (len(diff), " ".join(map(str, diff[:16]))))
PY
)"
}

# synced_mib VM: MiB the last resync from VM started with, from its kernel log.
synced_mib() {
	on "$1" 'dmesg | grep -o "resync to the peer: [0-9]* MiB" | tail -n1 | grep -o "[0-9]\+ MiB" | cut -d" " -f1'
}

# pair_up PROTOCOL [DISK [OPTIONS...]]: fresh zeroed disks on both, r0
# attached and connected, alpha primary (forced), beta declared identical
# (zeroed) and up to date. DISK: the backing disk, in each VM a device
# stacked on /dev/vda. OPTIONS: more connect options for alpha. ATTACH_OPTS:
# attach options for both.
pair_up() {
	local vm proto=$1 disk=${2:-/dev/vda}
	shift $(($# < 2 ? $# : 2))
	for vm in alpha beta; do
		ok "$vm" "modprobe tandem && blkdiscard -f /dev/vda >/dev/null &&
			tandemctl create-md r0 --disk $disk >/dev/null &&
			tandemctl attach r0 --minor 0 --disk $disk ${ATTACH_OPTS:-}"
	done
	connect_res alpha --protocol "$proto" "$@"
	connect_res beta --protocol "$proto" --assume-clean
	wait_field alpha connection connected
	ok alpha 'tandemctl primary r0 --force'
	wait_field beta peer_role primary
	wait_field beta disk_state uptodate
	wait_field alpha peer_disk_state uptodate
}

# Wait until alpha has nothing in flight to the peer.
wait_drained() {
	wait_field "${1:-alpha}" pending 0
	wait_field "${1:-alpha}" unacked 0
}

# Resource files: r0 between alpha and beta on /dev/vda, sync, authenticated.
CONF=/tmp/tandem-conf

# write_conf VM [DISK [LINES]]: the same files on both nodes (the disk: DISK,
# default /dev/vda; LINES added to the resource), plus a private secret.
write_conf() {
	ok "$1" "mkdir -p $CONF && rm -f $CONF/*.res $CONF/tandem.conf &&
cat > $CONF/tandem.conf <<'EOF'
# defaults for every resource
common {
	protocol sync;
	options { timeout 3000; }
}
EOF
cat > $CONF/r0.res <<'EOF'
resource r0 {
	minor 0;
	secret-file $CONF/r0.secret;
	options { resync-rate 500; }${3:+
	$3}
	node alpha { disk ${2:-/dev/vda}; address 10.99.0.1:7789; }
	node beta { disk ${2:-/dev/vda}; address 10.99.0.2:7789; }
}
EOF
printf 'shared secret of r0' > $CONF/r0.secret && chmod 600 $CONF/r0.secret"
}

# conf_pair_up [DISK [LINES]]: fresh zeroed disks, r0 up on both from the
# resource files (on DISK, default /dev/vda; beta's disk declared identical;
# LINES added to the resource), connected; neither is primary yet.
conf_pair_up() {
	local vm
	for vm in alpha beta; do
		write_conf "$vm" "${1:-}" "${2:-}"
		ok "$vm" "modprobe tandem && blkdiscard -f /dev/vda && TANDEM_CONFIG_DIR=$CONF tandemctl create-md r0 >/dev/null"
	done
	ok alpha "TANDEM_CONFIG_DIR=$CONF tandemctl up r0"
	ok beta "TANDEM_CONFIG_DIR=$CONF tandemctl attach r0 && TANDEM_CONFIG_DIR=$CONF tandemctl connect r0 --assume-clean"
	wait_field alpha connection connected
}

# bad_range VM [FIRST N]: VM's disk, the dm device "disk" over /dev/vda,
# fails every I/O to sectors [FIRST, FIRST + N); without a range, it works again.
bad_range() {
	local t='0 $sz linear /dev/vda 0'
	[ $# -eq 1 ] || t="0 $2 linear /dev/vda 0\n$2 $3 error\n$(($2 + $3)) \$((sz - $(($2 + $3)))) linear /dev/vda $(($2 + $3))"
	ok "$1" "sz=\$(blockdev --getsz /dev/vda) && dmsetup suspend disk &&
		printf \"$t\\n\" | dmsetup reload disk && dmsetup resume disk && dmsetup table disk"
}

# ha_checks VM (after write_conf and crm_stub): "ocf=RC score=S vrrp=RC" of the OCF agent's monitor and keepalived's check.
ha_checks() {
	on "$1" "PATH=/tmp/stub:\$PATH OCF_RESKEY_resource=r0 OCF_RESKEY_config_dir=$CONF tools/ha/tandem.ocf monitor >/dev/null 2>&1; o=\$?
		tools/ha/tandem-vrrp r0 check >/dev/null 2>&1; v=\$?
		echo \"ocf=\$o score=\$(cat /tmp/score 2>/dev/null || echo none) vrrp=\$v\""
}

# crm_stub VM: Pacemaker's crm_attribute stand-in in /tmp/stub on VM (put it
# first in PATH): -v keeps the promotion score in /tmp/score, -D removes it.
crm_stub() {
	ok "$1" 'mkdir -p /tmp/stub && rm -f /tmp/score && cat > /tmp/stub/crm_attribute <<"EOF"
#!/bin/sh
case " $* " in
*" -D "*) rm -f /tmp/score ;;
*" -v "*) while [ "$1" != -v ]; do shift; done; echo "$2" > /tmp/score ;;
esac
EOF
chmod +x /tmp/stub/crm_attribute'
}

# wait_reconnected WHAT SECONDS: alpha connected (again) within SECONDS
# after what interrupted it; TOOK: how many it took.
wait_reconnected() {
	local t0=$SECONDS i
	for ((i = 0; i < $2 * 4; i++)); do
		[ "$(field alpha connection)" == connected ] && break
		sleep 0.25
	done
	TOOK=$((SECONDS - t0))
	[ "$(field alpha connection)" == connected ] ||
		fail "$1: not connected ${TOOK}s after it" \
			"$(on alpha 'tandemctl status r0; dmesg | tail -n 20'; on beta 'tandemctl status r0; dmesg | tail -n 20')"
}

# Impairments (tests 051, 052): fio writes 4k blocks at 200 IOPS on alpha's
# tandem0 and verifies them as it goes while an impairment lasts; then the
# pair must connect again (within IMPAIR_LIMIT s of the impairment's end)
# and resync. Each measure is a row of $IMPAIR_ROWS: write latency p50 and
# p99 during it, sessions lost (as alpha saw them end), seconds to
# reconnect after it, MiB resynced.
IMPAIR_LIMIT=60
IMPAIR_ROWS=()
LOST_RE='connection to the peer lost'
RS_RE='resync to the peer: [0-9]* MiB'

# klog_count VM REGEX: lines of VM's kernel log matching REGEX.
klog_count() { on "$1" "dmesg | grep -c '$2' || true"; }

# rs_mib_since VM N: MiB of VM's resyncs to the peer after its first N.
rs_mib_since() {
	on "$1" "dmesg | grep -o '$RS_RE' | tail -n +$(($2 + 1)) | awk '{ s += \$5 } END { print s + 0 }'"
}

# impair_begin SECONDS: fio for SECONDS on alpha; counters marked.
impair_begin() {
	IMPAIR_MARK=$(klog_count alpha "$LOST_RE")
	IMPAIR_RS="$(on alpha "dmesg | grep -o '$RS_RE' | wc -l") $(on beta "dmesg | grep -o '$RS_RE' | wc -l")"
	ok alpha "rm -f /tmp/impair.json /tmp/impair.rc
		(nohup sh -c 'fio --name=w --filename=/dev/tandem0 --direct=1 --ioengine=libaio --rw=randwrite \
		--bs=4k --iodepth=4 --size=128m --time_based --runtime=$1 --rate_iops=200 \
		--verify=crc32c --verify_backlog=64 --verify_fatal=1 --output-format=json \
		--output=/tmp/impair.json; echo \$? > /tmp/impair.rc' > /dev/null 2>&1 &)"
}

# impair_end NAME: call as the impairment ends. fio must have verified what
# it wrote; the pair connects again and resyncs; a row for NAME.
impair_end() {
	local name=$1 lat p50 p99 lost ra rb mib
	wait_reconnected "$name" $IMPAIR_LIMIT
	ok alpha 'for i in $(seq 240); do [ -e /tmp/impair.rc ] && break; sleep 0.5; done; cat /tmp/impair.rc'
	[ "$OUT" == 0 ] || fail "$name: fio failed (exit '$OUT')" "$(on alpha 'cat /tmp/impair.json; dmesg | tail -n 20')"
	ok alpha 'tandemctl wait-sync r0 --timeout 180'
	lat=$(on alpha 'cat /tmp/impair.json' | python3 -c '
import json, sys
p = json.load(sys.stdin)["jobs"][0]["write"]["clat_ns"]["percentile"]
print("%.1f %.1f" % (p["50.000000"] / 1e6, p["99.000000"] / 1e6))')
	lost=$(($(klog_count alpha "$LOST_RE") - IMPAIR_MARK))
	read -r ra rb <<<"$IMPAIR_RS"
	mib=$(($(rs_mib_since alpha "$ra") + $(rs_mib_since beta "$rb")))
	read -r p50 p99 <<<"$lat"
	IMPAIR_ROWS+=("$(printf '| %s | %s | %s | %s | %s s | %s |' "$name" "$p50" "$p99" "$lost" "$TOOK" "$mib")")
	step "$name: write latency p50 $p50 ms, p99 $p99 ms; $lost sessions lost; connected ${TOOK}s after; $mib MiB resynced"
}

# impair_table: the rows so far, as a markdown table.
impair_table() {
	echo '| impairment | p50 ms | p99 ms | sessions lost | reconnected after | MiB resynced |'
	echo '| --- | --- | --- | --- | --- | --- |'
	printf '%s\n' "${IMPAIR_ROWS[@]}"
}

# keepalived (tests 032, 055): the virtual IP follows the primary.
VIP=10.0.0.100

# keepalived_up VM PRIORITY: the example configuration with this tree's script;
# tandem-vrrp (/etc/tandem/r0.vrrp) mounts /dev/tandem0 on /mnt/svc and
# "serves" by writing a file. keepalived and tandem-vrrp log to syslog: a
# busybox syslogd keeps it in /run/syslog. VRRP_MOUNT, VRRP_START and
# VRRP_STOP: the mount point and the service's commands instead (default
# stop: sync); VRRP_MORE: more lines for r0.vrrp.
keepalived_up() {
	ok "$1" "mkdir -p /etc/tandem && cat > /etc/tandem/r0.vrrp <<'EOF'
MOUNT=${VRRP_MOUNT:-/mnt/svc}
START='${VRRP_START:-date +%s.%N > /mnt/svc/served-by-\$(hostname)}'
STOP='${VRRP_STOP:-sync}'
${VRRP_MORE:-}
EOF
sed -e 's|/usr/lib/tandem/|$TDM_TOP/tools/ha/|' -e \"s|/usr/sbin/tandemctl|\$(command -v tandemctl)|\" \
	-e 's/priority 100 .*/priority $2/' tools/ha/keepalived.conf.example > /tmp/keepalived.conf
pidof syslogd >/dev/null || busybox syslogd -O /run/syslog
keepalived -f /tmp/keepalived.conf"
}

# has_vip VM: 0 if VM holds the virtual IP.
has_vip() { on "$1" "ip -4 addr show eth0 | grep -q ' $VIP/'"; }

wait_vip() {
	local vm=$1 i
	for ((i = 0; i < 120; i++)); do
		has_vip "$vm" && on "$vm" "grep -qs 'service started' /run/tandem-vrrp-r0.log" && return 0
		sleep 0.5
	done
	fail "$vm did not take the virtual IP and the service" "$(on "$vm" 'cat /run/tandem-vrrp-r0.log; tandemctl status r0')"
}

# fencer_start: the host's power switch for the VMs' STONITH (pair.sh
# fencer, scripts/vm/fence_qemu), until fencer_stop (the runner's reset).
fencer_start() {
	rm -f "$TDM_BUILD/vm/fencer.log"
	"$PAIR" fencer < /dev/null > /dev/null 2>&1 &
	echo $! > "$TDM_BUILD/vm/fencer.pid"
}
fencer_stop() {
	[ -e "$TDM_BUILD/vm/fencer.pid" ] || return 0
	kill "$(cat "$TDM_BUILD/vm/fencer.pid")" 2>/dev/null || true
	rm -f "$TDM_BUILD/vm/fencer.pid"
}
