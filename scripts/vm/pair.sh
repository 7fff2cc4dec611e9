#!/usr/bin/env bash
# Start, drive and stop the two test VMs, alpha and beta.
#   pair.sh start        boot both, with the built tandem installed (kills a running pair first)
#   pair.sh run VM CMD   run CMD (a bash script text) in VM, print its output, exit with its code
#   pair.sh kill VM      SIGKILL one VM's qemu (a power cut)
#   pair.sh restart VM   boot VM again after a kill
#   pair.sh stop         power both off
#   pair.sh fencer       serve the VMs' fence requests until killed: the power
#                        switch of scripts/vm/fence_qemu (STONITH in the VMs)
# Each VM: 1 GiB disk (vda) and 256 MiB disk (vdb), sparse files under build/vm/<vm>/;
# eth0 on the service network 10.0.0.0/24, eth1 on the replication link 10.99.0.0/24.
# With TDM_SVC_NETNS=NS, eth0 is instead the tap device tdm-<vm> in network
# namespace NS (made by the caller, e.g. bridged there with a client).
# TDM_KERNEL=debug boots the debug kernel (make debug-kernel) instead of
# Debian's; TDM_BOOT_ARGS adds kernel arguments. Everything a pair uses is under $TDM_BUILD/vm (disks, sockets,
# fifos): pairs with different TDM_BUILD run side by side.
# Each link is a pair of Unix datagram sockets, one Ethernet frame per
# datagram: unlike QEMU's TCP "socket" netdev, no host-side Nagle or delayed
# ACK adds tens of milliseconds to a small frame; a full receiver makes the
# sender wait rather than drop; and either VM can boot (or reboot) first.
set -euo pipefail
. "$(dirname "$0")/common.sh"

VMS=(alpha beta)
vm_id() { case $1 in alpha) echo 1 ;; beta) echo 2 ;; *) echo "unknown VM $1" >&2; return 1 ;; esac; }

# dgram_netdev LINK VM: VM's end of a link, a datagram socket bound at
# <vmdir>/LINK-VM.sock that sends to the other VM's end.
dgram_netdev() {
	local link=$1 vm=$2 peer
	peer=$([ "$vm" == alpha ] && echo beta || echo alpha)
	rm -f "$TDM_VMDIR/$link-$vm.sock"
	echo "dgram,id=$link,local.type=unix,local.path=$TDM_VMDIR/$link-$vm.sock,remote.type=unix,remote.path=$TDM_VMDIR/$link-$peer.sock"
}

start_vm() {
	local vm=$1 id dir svc netns=()
	id=$(vm_id "$vm")
	dir=$TDM_VMDIR/$vm
	rm -rf "$dir/ctl"
	mkdir -p "$dir/ctl"
	[ -e "$dir/vda.img" ] || truncate -s 1G "$dir/vda.img"
	[ -e "$dir/vdb.img" ] || truncate -s 256M "$dir/vdb.img"
	: > "$dir/console.log"
	rm -f "$dir/kick" "$dir/tick"
	mkfifo "$dir/kick" "$dir/tick"
	svc=$(dgram_netdev svc "$vm")
	if [ -n "${TDM_SVC_NETNS:-}" ]; then
		svc="tap,id=svc,ifname=tdm-$vm,script=no,downscript=no"
		netns=(ip netns exec "$TDM_SVC_NETNS")
	fi
	"${netns[@]}" qemu-system-x86_64 -accel tcg -cpu max -smp 2 -m "$MEM" \
		-name "tandem-$vm" -display none -no-reboot \
		-monitor "unix:$dir/monitor.sock,server=on,wait=off" \
		-serial "file:$dir/console.log" \
		-kernel "$VMLINUZ" -initrd "$INITRD" \
		-append "console=ttyS0 loglevel=5 panic=-1 $BOOT_ARGS tdmsrc=$TDM_TOP tdmbuild=$TDM_BUILD tdmmoddir=$MODDIR tdmname=$vm tdmid=$id" \
		-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
		-virtfs "local,path=$dir/ctl,mount_tag=ctl,security_model=none" \
		-drive "file=$dir/vda.img,if=virtio,format=raw,cache=none,aio=threads,discard=unmap" \
		-drive "file=$dir/vdb.img,if=virtio,format=raw,cache=none,aio=threads,discard=unmap" \
		-netdev "$svc" \
		-device "virtio-net-pci,netdev=svc,mac=52:54:00:00:00:0$id" \
		-netdev "$(dgram_netdev rep "$vm")" \
		-device "virtio-net-pci,netdev=rep,mac=52:54:00:00:01:0$id" \
		-device virtio-serial-pci,id=ser -chardev "pipe,id=kick,path=$dir/kick" \
		-device virtserialport,bus=ser.0,chardev=kick,name=tdm.kick \
		> "$dir/qemu.log" 2>&1 &
	echo $! > "$dir/qemu.pid"
}

# Kernel arguments for emulation on a shared host: the crypto self-tests
# (seconds of emulated CPU at every boot, and nothing of tandem's) are
# skipped, and the soft-lockup report waits 60 s, not 20 s, for a vCPU
# thread the host did not schedule. Hung tasks are still reported at 120 s.
BOOT_ARGS="cryptomgr.notests=1 watchdog_thresh=30 clocksource=tsc tsc=reliable"
# Under TCG a guest reads the host's TSC: give it the host's rate rather
# than let it calibrate, which on a loaded host went wrong (a guest clock
# that ran 12 times too fast timed its peer out after 0.2 s, not 2.5 s).
# "cpu MHz" is that rate when the host knows it and no cpufreq changes it.
if grep -qw constant_tsc /proc/cpuinfo && grep -qw tsc_known_freq /proc/cpuinfo &&
	[ ! -d /sys/devices/system/cpu/cpu0/cpufreq ]; then
	BOOT_ARGS+=$(awk -F: '/^cpu MHz/ {printf " tsc_early_khz=%d", $2 * 1000; exit}' /proc/cpuinfo)
fi
BOOT_TIMEOUT=${TDM_BOOT_TIMEOUT:-300}
MEM=1024
if [ "$TDM_KERNEL" == debug ]; then
	# Each leak kmemleak finds is printed to the kernel log (the runner scans
	# for it). ACPI's PCI interrupt routing is left to the BIOS table: this
	# kernel interprets the routing method so slowly that its loop times out,
	# 30 s per device. KASAN's shadow and quarantine and kmemleak's records
	# need memory. No address randomisation: a hung boot's RIPs are named
	# from System.map (hung_cpus).
	BOOT_ARGS+=" kmemleak.verbose=1 acpi=noirq nokaslr"
	MEM=2048
fi
# More kernel arguments, for an experiment (e.g. TDM_BOOT_ARGS=kmemleak=off).
BOOT_ARGS+=${TDM_BOOT_ARGS:+ $TDM_BOOT_ARGS}

# monitor DIR CMD...: QEMU's answers to monitor commands, one per line.
monitor() {
	local dir=$1
	shift
	printf '%s\n' "$@" | timeout 20 socat -t 3 - "UNIX-CONNECT:$dir/monitor.sock" | tr -d '\r'
}

# hung_cpus DIR: where the first vCPU is, three times a second apart (a
# loop or a wait): its RIP and, from the words on its stack that point
# into kernel text, a rough call chain, named from the kernel's symbols
# where they are at hand (the debug kernel's System.map).
hung_cpus() {
	local map=${VMLINUZ%/vmlinuz}/src/System.map regs rip rsp n
	for n in 1 2 3; do
		regs=$(monitor "$1" 'cpu 0' 'info registers')
		rip=$(grep -o 'RIP=[0-9a-f]*' <<<"$regs" | head -n1)
		rsp=$(grep -o 'RSP=[0-9a-f]*' <<<"$regs" | head -n1)
		[ -n "$rip" ] || { echo "no RIP (the vCPU is not in 64-bit mode)"; return 0; }
		echo "sample $n: RIP ${rip#RIP=}, stack:"
		{
			echo "${rip#RIP=}"
			monitor "$1" 'cpu 0' "x/96gx 0x${rsp#RSP=}" | grep -o 'ffffffff8[0-9a-f]\{7\}'
		} | if [ -r "$map" ]; then
			# Same-width lower-case hex: compared as strings.
			awk 'NR == FNR { if ($2 == "T" || $2 == "t") { a[n] = $1; s[n++] = $3 } next }
				{ lo = 0; hi = n - 1; best = ""
				  while (lo <= hi) { m = int((lo + hi) / 2); if (a[m] <= $1) { best = s[m]; lo = m + 1 } else hi = m - 1 }
				  if (best != "") print "  " $1 " " best }' "$map" -
		else
			sed 's/^/  /'
		fi
		sleep 1
	done
}

wait_ready() {
	local vm=$1 dir=$TDM_VMDIR/$1 i
	for ((i = 0; i < BOOT_TIMEOUT * 10; i++)); do
		[ -e "$dir/ctl/ready" ] && return 0
		if ! kill -0 "$(cat "$dir/qemu.pid")" 2>/dev/null; then
			echo "pair: $vm died while booting:" >&2
			tail -n 30 "$dir/qemu.log" "$dir/console.log" >&2
			return 1
		fi
		sleep 0.1
	done
	# The whole console kept (a retry starts a new one), and where each
	# vCPU is: its registers from QEMU's monitor, RIP named from the
	# kernel's symbols where they are at hand (the debug kernel's).
	cp "$dir/console.log" "$dir/console.hung.log"
	hung_cpus "$dir" > "$dir/console.hung.cpus" 2>&1 || true
	echo "pair: $vm did not become ready in $BOOT_TIMEOUT s; its console's reports and last lines (all: $dir/console.hung.log):" >&2
	grep -E 'BUG|WARNING|stall|lockup|blocked for' "$dir/console.log" | head -n 10 >&2 || true
	tail -n 30 "$dir/console.log" >&2
	echo "pair: $vm's vCPUs:" >&2
	cat "$dir/console.hung.cpus" >&2
	return 1
}

# boot VM...: start the VMs and wait for them; a boot that fails is tried
# once more (a starved emulator on a shared host, not tandem: the module
# is loaded only after boot).
boot() {
	local try vm ok
	for try in 1 2; do
		ok=1
		for vm in "$@"; do start_vm "$vm"; done
		for vm in "$@"; do wait_ready "$vm" || { ok=0; break; }; done
		[ $ok -eq 0 ] || return 0
		for vm in "$@"; do do_kill "$vm" 2>/dev/null || true; done
		[ $try -eq 2 ] || echo "pair: booting $* again" >&2
	done
	return 1
}

do_stop() {
	local vm pid
	for vm in "${VMS[@]}"; do
		[ -e "$TDM_VMDIR/$vm/qemu.pid" ] || continue
		pid=$(cat "$TDM_VMDIR/$vm/qemu.pid")
		kill -9 "$pid" 2>/dev/null || true
		rm -f "$TDM_VMDIR/$vm/qemu.pid"
	done
}

# depmod inside a VM reads every module over 9p (~30 s under TCG), so the
# module indexes are made here: depmod only reads, into a staging tree whose
# kernel/ links to the real modules and whose extra/ holds tandem.ko.
stage_modules() {
	local root=$TDM_VMDIR/modroot md f
	md=$root/lib/modules/$KV
	rm -rf "$root"
	mkdir -p "$md/extra"
	for f in "$MODDIR"/*; do
		case ${f##*/} in
		modules.order | modules.builtin*) cp "$f" "$md/" ;;
		modules.* | build | source) ;;
		*) ln -s "$f" "$md/" ;;
		esac
	done
	cp "$KO" "$md/extra/"
	depmod -b "$root" "$KV"
}

# Make the freshly built tandem look installed in a VM (its / is a tmpfs
# overlay): the module where modprobe finds it, the tools on PATH.
provision() {
	do_run "$1" "set -e
cd '$TDM_TOP'
md=/lib/modules/\$(uname -r)
mkdir -p \$md/extra
cp '$TDM_VMDIR'/modroot\$md/modules.* \$md/
cp '$TDM_VMDIR'/modroot\$md/extra/tandem.ko \$md/extra/
install -m 0755 tools/tandemctl /usr/local/sbin/tandemctl
for h in nlraw seqwrite; do
	if [ -x tests/vm/helpers/\$h ]; then install -m 0755 tests/vm/helpers/\$h /usr/local/bin/; fi
done"
}

# The VM sees the host's / at the same paths, except where it mounts its own
# /proc, /sys and /dev (init shows /tmp and /run paths through again); the
# paths go on the kernel command line, which splits at spaces.
check_paths() {
	local p
	for p in "$TDM_TOP" "$TDM_BUILD" "$MODDIR"; do
		case $p in
		*[[:space:]]*) echo "pair: $p has a space in it; the VMs cannot use it" >&2; return 1 ;;
		/proc/* | /sys/* | /dev/*) echo "pair: $p is hidden in the VMs by their own /proc, /sys, /dev; use another directory" >&2; return 1 ;;
		esac
	done
}

do_start() {
	local t0
	tdm_vm_kernel
	check_paths
	INITRD=$("$TDM_TOP/scripts/vm/mkinitrd.sh")
	do_stop
	mkdir -p "$TDM_VMDIR"
	[ -e "$KO" ] || { echo "pair: build the module first (make vm-build, or for the debug kernel make check-vm KERNEL=debug)" >&2; return 1; }
	stage_modules
	t0=$(date +%s.%N)
	boot alpha beta
	provision alpha
	provision beta
	printf 'pair: alpha and beta ready in %.1f s (%s)\n' "$(echo "$(date +%s.%N) - $t0" | bc -l)" "$KV"
}

# run VM SCRIPT: the script text is run by bash inside the VM.
do_run() {
	local vm=$1 script=$2 dir base rc pid tick
	dir=$TDM_VMDIR/$vm/ctl
	[ -e "$dir/ready" ] || { echo "pair: $vm is not running" >&2; return 125; }
	base=$dir/$(date +%s%N).$$.$RANDOM
	printf '%s\n' "$script" > "$base.tmp"
	mv "$base.tmp" "$base.cmd"
	read -r pid < "$TDM_VMDIR/$vm/qemu.pid" || pid=
	# Wake the agent (read-write: never blocks, even with qemu gone).
	echo 8<> "$TDM_VMDIR/$vm/kick" >&8
	# Wait without a process per check: a read timeout on a fifo nothing
	# writes to.
	exec {tick}<> "$TDM_VMDIR/$vm/tick"
	while [ ! -s "$base.rc" ]; do
		if ! kill -0 "$pid" 2>/dev/null; then
			exec {tick}<&-
			echo "pair: $vm is gone" >&2
			return 125
		fi
		read -r -t 0.02 -u "$tick" _ || true
	done
	exec {tick}<&-
	cat "$base.out"
	read -r rc < "$base.rc"
	rm -f "$base.cmd" "$base.out" "$base.rc"
	return "$rc"
}

do_kill() {
	local pid
	pid=$(cat "$TDM_VMDIR/$1/qemu.pid")
	kill -9 "$pid"
	rm -f "$TDM_VMDIR/$1/ctl/ready"
	# Gone for good, its disk image locks released, before anything goes on.
	while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
}

do_restart() {
	vm_id "$1" >/dev/null || return 2
	tdm_vm_kernel
	check_paths
	INITRD=$("$TDM_TOP/scripts/vm/mkinitrd.sh")
	do_kill "$1" 2>/dev/null || true
	boot "$1"
	provision "$1"
}

# fencer: answer the fence requests the VMs' fence_qemu leaves in their
# control directories (ctl/fence-ID.req: "off VM", "status VM" or "ping";
# the answer in ctl/fence-ID.ack), until killed. Each power-off is logged
# to $TDM_VMDIR/fencer.log: the tests' record that fencing happened.
do_fencer() {
	local f req target ans
	while :; do
		for f in "$TDM_VMDIR"/alpha/ctl/fence-*.req "$TDM_VMDIR"/beta/ctl/fence-*.req; do
			[ -e "$f" ] || continue
			read -r req target < "$f" || true
			ans="error: bad request"
			case $req in
			ping) ans=pong ;;
			off | status)
				if vm_id "$target" >/dev/null 2>&1; then
					if [ "$req" = off ] && [ -e "$TDM_VMDIR/$target/qemu.pid" ]; then
						do_kill "$target" 2>/dev/null || true
						echo "$(date +%s.%N) off $target (asked by ${f#"$TDM_VMDIR"/})" >> "$TDM_VMDIR/fencer.log"
					fi
					if [ -e "$TDM_VMDIR/$target/ctl/ready" ]; then ans=on; else ans=off; fi
				fi
				;;
			esac
			printf '%s\n' "$ans" > "${f%.req}.tmp"
			mv "${f%.req}.tmp" "${f%.req}.ack"
			rm -f "$f"
		done
		sleep 0.1
	done
}

case ${1:-} in
start) do_start ;;
fencer) do_fencer ;;
restart) do_restart "$2" ;;
stop) do_stop ;;
run) shift; do_run "$@" ;;
kill) do_kill "$2" ;;
*) echo "usage: $0 start|stop|run VM CMD|kill VM|restart VM" >&2; exit 2 ;;
esac
