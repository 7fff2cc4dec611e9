#!/usr/bin/env bash
# tandem benchmark: in one boot of the VM pair, on the same disks and link,
# the link itself (iperf3, ping), the raw backing disk, tandem async and sync,
# tandem sync over WireGuard (the replication link encrypted: its cost),
# and DRBD 8.4 (the kernel's drbd.ko) protocols A and C, with the same fio
# jobs (the raw disk also while beta runs the job on its own disk); then
# the initial full sync of the device and the resync after 64 MiB of
# scattered writes. Each figure is the median of REPS runs, with their
# spread. The repetitions are rounds: each round measures every
# configuration once, so that a slow spell of this shared machine falls on
# all of them rather than on whichever ran then. Figures, not pass/fail.
#   RUNTIME=5 (seconds per fio run)  REPS=3  DRBD=1 (0: skip DRBD)  WG=1 (0: skip WireGuard)
# Results: build/bench/results.json, build/bench/results.png, the table on stdout.
set -uo pipefail
TDM_TOP=$(cd "$(dirname "$0")/../.." && pwd)
TDM_BUILD=${TDM_BUILD:-$TDM_TOP/build}
export TDM_TOP TDM_BUILD
. "$TDM_TOP/tests/vm/lib.sh"
RUNTIME=${RUNTIME:-5}
REPS=${REPS:-3}
DRBD=${DRBD:-1}
WG=${WG:-1}
OUT=$TDM_BUILD/bench
rm -rf "$OUT"
mkdir -p "$OUT"

# fio jobs: name|options
JOBS=(
	"seq-1m-qd8|--rw=write --bs=1m --iodepth=8"
	"rand-4k-qd1|--rw=randwrite --bs=4k --iodepth=1"
	"rand-4k-qd32|--rw=randwrite --bs=4k --iodepth=32"
	"mix-4k-qd8|--rw=randrw --rwmixread=70 --bs=4k --iodepth=8"
)

say() { echo "bench: $*" >&2; }
fail() { echo "bench: $1" >&2; [ -z "${2:-}" ] || echo "$2" >&2; exit 1; }
ok() { OUT_=$(on "$1" "$2" 2>&1) || fail "$1: $2" "$OUT_"; }

# CPU jiffies (USER_HZ) a VM spent busy: user, nice, system, irq, softirq.
busy() { on "$1" 'head -n1 /proc/stat' | awk '{print $2 + $3 + $4 + $7 + $8}'; }

# run_jobs CONFIG DEV R: every job once, as repetition R; fio JSON and CPU used.
# Config raw-both: beta runs the same job on its own disk meanwhile, as a
# replica's disk writes would: both VMs share this machine's two cores.
run_jobs() {
	local config=$1 dev=$2 r=$3 j name opts a0 b0 fio
	for j in "${JOBS[@]}"; do
		name=${j%%|*}
		opts=${j#*|}
		fio="fio --name=$name --filename=$dev --direct=1 --ioengine=libaio $opts --size=512m --time_based"
		a0=$(busy alpha)
		b0=$(busy beta)
		[ "$config" != raw-both ] ||
			ok beta "setsid nohup $fio --runtime=$((RUNTIME + 3)) </dev/null >/dev/null 2>&1 &"
		on alpha "$fio --runtime=$RUNTIME --ramp_time=1 --output-format=json" \
			> "$OUT/$config.$name.$r.json" || fail "fio failed for $config $name"
		echo "$(($(busy alpha) - a0)) $(($(busy beta) - b0))" > "$OUT/$config.$name.$r.cpu"
		[ "$config" != raw-both ] || ok beta 'while pgrep -x fio >/dev/null; do sleep 0.2; done'
		# An async run that pulled ahead leaves a resync: say so, and let it end before the next.
		if [[ $config == tandem-* ]]; then
			on alpha 'dmesg -c | grep -c "pulling ahead"' > "$OUT/$config.$name.$r.ahead"
			ok alpha 'tandemctl wait-sync r0 --timeout 900'
		fi
	done
	say "round $r: $config done"
}

# secs CMD...: wall seconds a host-side command took.
secs() {
	local t0
	t0=$(date +%s.%N)
	"$@" >/dev/null || return 1
	echo "$(date +%s.%N) - $t0" | bc -l
}

# on_both CMD: run CMD in both VMs, quietly, whatever it returns (teardown).
on_both() {
	local vm
	for vm in alpha beta; do
		on "$vm" "$1" >/dev/null 2>&1
	done
}

tandem_down() { on_both 'tandemctl disconnect r0; tandemctl detach r0; blkdiscard -f /dev/vda'; }

# tandem_syncs R: the initial full sync of a fresh pair, then the resync of
# 64 MiB of scattered writes, as repetition R.
tandem_syncs() {
	local r=$1 vm t
	for vm in alpha beta; do
		ok "$vm" 'blkdiscard -f /dev/vda && tandemctl create-md r0 --disk /dev/vda >/dev/null &&
			tandemctl attach r0 --minor 0 --disk /dev/vda'
	done
	connect_res alpha --protocol sync
	connect_res beta --protocol sync
	wait_field alpha connection connected
	t=$(secs on alpha 'tandemctl primary r0 --force && tandemctl wait-sync r0 --timeout 900') ||
		fail "tandem's initial sync did not finish"
	echo "$t" > "$OUT/tandem.fullsync.$r.secs"
	on alpha 'echo $(($(cat /sys/block/tandem0/size) * 512))' > "$OUT/tandem.fullsync.$r.bytes"
	ok beta 'tandemctl disconnect r0'
	ok alpha 'fio --name=scatter --filename=/dev/tandem0 --direct=1 --ioengine=libaio --rw=randwrite \
		--bs=4k --iodepth=16 --number_ios=16384 --size=1000m --norandommap --randrepeat=0 >/dev/null'
	on alpha 'tandemctl status r0 --json' | grep -o '"out_of_sync":[0-9]*' | cut -d: -f2 > "$OUT/tandem.resync.$r.bytes"
	connect_res beta --protocol sync
	t=$(secs on alpha 'tandemctl wait-sync r0 --timeout 900') || fail "tandem's resync did not finish"
	echo "$t" > "$OUT/tandem.resync.$r.secs"
	tandem_down
}

# WireGuard over the replication NIC: wg0, 10.98.0.1 and .2, a fresh key pair each.
wg_ip() { [ "$1" == alpha ] && echo 10.98.0.1 || echo 10.98.0.2; }
wg_up() {
	local vm peer
	declare -A pub
	for vm in alpha beta; do
		ok "$vm" 'modprobe wireguard && umask 077 && wg genkey > /tmp/wg.key && wg pubkey < /tmp/wg.key'
		pub[$vm]=$OUT_
	done
	for vm in alpha beta; do
		peer=$(peer_of "$vm")
		ok "$vm" "ip link add wg0 type wireguard && ip addr add $(wg_ip "$vm")/30 dev wg0 &&
			wg set wg0 listen-port 51820 private-key /tmp/wg.key peer ${pub[$peer]} \
				allowed-ips $(wg_ip "$peer")/32 endpoint $(drbd_ip "$peer"):51820 &&
			ip link set wg0 up"
	done
	ok alpha 'busybox ping -c 3 -W 5 10.98.0.2'
	ok beta 'iperf3 -s -D -B 10.98.0.2 -p 5202 >/dev/null 2>&1; sleep 1'
}
wg_down() { on_both 'pkill -f "iperf3 -s -D -B 10.98.0.2"; ip link del wg0'; }

D84=/usr/lib/drbd/drbdsetup-84
drbd_ip() { [ "$1" == alpha ] && echo 10.99.0.1 || echo 10.99.0.2; }

# drbd_up PROTO [fresh]: resource r0 on /dev/vda of both, connected; without
# "fresh" the initial sync is skipped (new-current-uuid --clear-bitmap).
drbd_up() {
	local proto=$1 fresh=${2:-} vm
	for vm in alpha beta; do
		ok "$vm" "modprobe drbd && echo /bin/true > /sys/module/drbd/parameters/usermode_helper &&
			mkdir -p /run/lock && blkdiscard -f /dev/vda &&
			yes | drbdmeta --force 0 v08 /dev/vda internal create-md >/dev/null 2>&1 &&
			$D84 new-resource r0 && $D84 new-minor r0 0 0 && $D84 attach 0 /dev/vda /dev/vda internal &&
			$D84 disk-options 0 --c-plan-ahead=0 --resync-rate=1000M &&
			$D84 connect r0 ipv4:$(drbd_ip $vm):7789 ipv4:$(drbd_ip "$(peer_of $vm)"):7789 --protocol=$proto"
	done
	drbd_wait alpha 'cs:Connected' 60
	if [ -z "$fresh" ]; then
		ok alpha "$D84 new-current-uuid --clear-bitmap 0 && $D84 primary 0"
		drbd_wait alpha 'ds:UpToDate/UpToDate' 60
	fi
}

# drbd_wait VM PATTERN SECS: poll /proc/drbd.
drbd_wait() {
	local i
	for ((i = 0; i < $3 * 4; i++)); do
		on "$1" 'cat /proc/drbd' | grep -q "$2" && return 0
		sleep 0.25
	done
	fail "DRBD on $1: no '$2' after $3 s" "$(on "$1" 'cat /proc/drbd; dmesg | grep drbd | tail')"
}

drbd_down() { on_both "$D84 down r0; rmmod drbd; blkdiscard -f /dev/vda"; }

# drbd_syncs R: the same with DRBD.
drbd_syncs() {
	local r=$1 t0
	drbd_up C fresh
	t0=$(date +%s.%N)
	ok alpha "$D84 primary 0 --force"
	drbd_wait alpha 'ds:UpToDate/UpToDate' 900
	echo "$(date +%s.%N) - $t0" | bc -l > "$OUT/drbd.fullsync.$r.secs"
	on alpha 'blockdev --getsize64 /dev/drbd0' > "$OUT/drbd.fullsync.$r.bytes"
	ok beta "$D84 disconnect ipv4:10.99.0.2:7789 ipv4:10.99.0.1:7789"
	ok alpha 'fio --name=scatter --filename=/dev/drbd0 --direct=1 --ioengine=libaio --rw=randwrite \
		--bs=4k --iodepth=16 --number_ios=16384 --size=1000m --norandommap --randrepeat=0 >/dev/null'
	on alpha 'cat /proc/drbd' | sed -n 's/.*oos:\([0-9]*\).*/\1/p' | awk '{print $1 * 1024}' > "$OUT/drbd.resync.$r.bytes"
	t0=$(date +%s.%N)
	ok beta "$D84 connect r0 ipv4:10.99.0.2:7789 ipv4:10.99.0.1:7789 --protocol=C"
	drbd_wait alpha 'cs:Connected.*ds:UpToDate/UpToDate' 900
	echo "$(date +%s.%N) - $t0" | bc -l > "$OUT/drbd.resync.$r.secs"
	drbd_down
}

"$PAIR" start || exit 1
trap '"$PAIR" stop' EXIT

say "the link: ping, and iperf3 in every round, on the replication NIC"
on alpha 'busybox ping -c 20 -i 0.2 -q 10.99.0.2' > "$OUT/link.ping.txt" || fail "ping failed"
if [ "$WG" == 1 ] && ! command -v wg >/dev/null; then
	say "no wg (wireguard-tools) on this machine: no WireGuard row"
	WG=0
fi
on beta 'iperf3 -s -D -B 10.99.0.2 >/dev/null 2>&1; sleep 1'
ok alpha 'modprobe tandem'
ok beta 'modprobe tandem'
for ((r = 1; r <= REPS; r++)); do
	on alpha 'iperf3 -c 10.99.0.2 -t 5 -J' > "$OUT/link.iperf.$r.json" || fail "iperf3 failed"
	ok alpha 'blkdiscard -f /dev/vda'
	ok beta 'blkdiscard -f /dev/vda'
	run_jobs raw /dev/vda "$r"
	run_jobs raw-both /dev/vda "$r"
	for proto in async sync; do
		pair_up "$proto"
		run_jobs "tandem-$proto" /dev/tandem0 "$r"
		tandem_down
	done
	if [ "$WG" == 1 ]; then
		wg_up
		on alpha 'iperf3 -c 10.98.0.2 -p 5202 -t 5 -J' > "$OUT/link.wg-iperf.$r.json" || fail "iperf3 over wg0 failed"
		REP_IP_alpha=$(wg_ip alpha) REP_IP_beta=$(wg_ip beta) pair_up sync
		run_jobs tandem-sync-wg /dev/tandem0 "$r"
		tandem_down
		wg_down
	fi
	tandem_syncs "$r"
	say "round $r: tandem's initial sync and resync done"
	[ "$DRBD" == 1 ] || continue
	for proto in A C; do
		drbd_up "$proto"
		run_jobs "drbd-$proto" /dev/drbd0 "$r"
		drbd_down
	done
	drbd_syncs "$r"
	say "round $r: DRBD's initial sync and resync done"
done

# Debian's python3 (which has python3-matplotlib), whatever python3 is first on PATH.
/usr/bin/python3 "$TDM_TOP/tests/bench/report.py" "$OUT" "$RUNTIME" "$REPS"
