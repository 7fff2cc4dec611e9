#!/usr/bin/env bash
# The demo: MariaDB on tandem in two VMs, alpha and beta. /dev/tandem0 is
# replicated in sync mode over the private link (eth1); keepalived moves a
# virtual IP (10.0.0.100, on the service network eth0) and, through
# tools/ha/tandem-vrrp, promotes, mounts and starts MariaDB where it goes
# (`make demo STACK=heartbeat`: Heartbeat does, with tools/ha/tandemdisk;
# `make demo STACK=pacemaker`: Pacemaker, with the OCF agent and STONITH).
# A client commits rows through the virtual IP while alpha loses power;
# beta takes over with every acknowledged row; alpha comes back, resyncs
# what it missed and takes the service back. Run through `make demo`;
# `make demo HOSTLOAD=N` runs it beside N processes that load this host
# (busy loops and memory-hungry ones, alternately: scripts/vm/hostload.sh),
# as on a host shared with other VMs.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/scripts/vm/ha.sh"
T0=$SECONDS
STEP_T=$SECONDS
declare -a SUMMARY=("cluster stack: $STACK")

say() {
	printf '\n\033[1m[%3ds] %s\033[0m (previous step: %ds)\n' $((SECONDS - T0)) "$*" $((SECONDS - STEP_T))
	STEP_T=$SECONDS
}
# show VM CMD: print the command as typed in the VM, then its output.
show() {
	printf '%s# %s\n' "$1" "$2"
	"$PAIR" run "$1" "$2" 2>&1 | sed 's/^/    /'
	return "${PIPESTATUS[0]}"
}
HOSTLOAD=${HOSTLOAD:-0}
LOAD_PID=
# On the way out: after a failure, what each VM's tandem, cluster stack
# and MariaDB said; then the load and the VMs stopped.
stop_all() {
	local rc=$? vm
	# A diagnosis that fails (a VM gone) must not cut the clean-up short.
	set +e
	[ -z "$FENCER_PID" ] || kill "$FENCER_PID" 2>/dev/null
	if [ $rc -ne 0 ]; then
		for vm in alpha beta; do
			echo "== $vm, after the failure:"
			diagnose "$vm" 2>&1 | sed 's/^/    /'
			[ "$STACK" != heartbeat ] || on "$vm" "$HB log | tail -n 40" 2>&1 | sed 's/^/    /'
			[ "$STACK" != pacemaker ] || on "$vm" "crm_mon -1; $PM log | tail -n 40" 2>&1 | sed 's/^/    /'
		done
	fi
	[ -z "$LOAD_PID" ] || kill "$LOAD_PID" 2>/dev/null
	"$PAIR" stop
}
trap stop_all EXIT

# The client, in beta: one connection per commit through the virtual IP, as
# a web page would; "id time" in /tmp/acked once committed, the time of each
# try that failed in /tmp/refused. Retries the same id until it lands (a
# commit whose answer was lost is found by the SELECT).
CLIENT='i=1
while [ ! -e /tmp/client.stop ]; do
	if mariadb -h '$VIP' -u app -papp --connect-timeout=1 app -e "INSERT INTO t (id) VALUES ($i)" 2>/dev/null ||
	   mariadb -h '$VIP' -u app -papp --connect-timeout=1 app -N -e "SELECT id FROM t WHERE id = $i" 2>/dev/null | grep -qx "$i"; then
		echo "$i $EPOCHREALTIME" >> /tmp/acked; i=$((i + 1))
	else
		echo "$EPOCHREALTIME" >> /tmp/refused; sleep 0.2
	fi
done'

# The stack's steps on a VM since /tmp/t0, with the client's first commit
# from the new primary.
TIMELINE=$(stack_steps)

if [ "$HOSTLOAD" -gt 0 ]; then
	say "loading this host: $HOSTLOAD processes (busy loops and memory-hungry ones) for the whole demo"
	"$TOP/scripts/vm/hostload.sh" mix "$HOSTLOAD" &
	LOAD_PID=$!
	SUMMARY+=("host load: $HOSTLOAD processes beside the VMs ($(nproc) cores)")
fi

say "booting alpha and beta (Debian's kernel under qemu, software emulation)"
"$PAIR" start

say "on both: the resource file /etc/tandem/r0.res, tandem's metadata on the (zeroed) /dev/vda"
configure alpha 100
configure beta 90
show alpha 'cat /etc/tandem/r0.res'
for vm in alpha beta; do
	show $vm 'blkdiscard -f /dev/vda >/dev/null && tandemctl create-md r0'
done

say "up on both (beta's zeroed disk is declared identical: no initial sync); alpha's data is the authority"
show alpha 'tandemctl up r0'
show beta 'tandemctl attach r0 && tandemctl connect r0 --assume-clean'
wait_for alpha "connection" 'tandemctl status r0 --json | grep -q "\"connection\":\"connected\""'
show alpha 'tandemctl primary r0 --force && tandemctl status r0'

say "alpha: ext4 on /dev/tandem0 as MariaDB's datadir, database app; then handed to $STACK"
show alpha "$DB create && mariadb -e 'SELECT VERSION()' && $DB stop && tandemctl secondary r0"

say "$STACK on both (alpha first): the virtual IP $VIP and MariaDB go to alpha"
stack_start alpha
wait_for alpha "MariaDB on the virtual IP" "$(stack_serving)" 180
stack_start beta
if [ "$STACK" = heartbeat ]; then
	show alpha "cat /etc/ha.d/haresources; $HB timeline 0; tandemctl status r0"
elif [ "$STACK" = pacemaker ]; then
	show alpha "crm_mon -1; tandemctl status r0"
else
	show alpha 'cat /run/tandem-vrrp-r0.log; tandemctl status r0'
fi

say "a client on beta commits rows through $VIP, one connection each, like a web page"
on beta "rm -f /tmp/acked /tmp/refused /tmp/client.stop; (nohup bash -c '$CLIENT' >/dev/null 2>&1 &)"
sleep 15
show beta 'echo "$(wc -l < /tmp/acked) commits acknowledged so far"'

say "power cut: alpha's qemu is killed (SIGKILL) in the middle of the commits"
on beta 'date +%s.%N > /tmp/t0'
"$PAIR" kill alpha
wait_for beta "the takeover" "$(stack_serving)" 180
n0=$(on beta 'wc -l < /tmp/acked')
wait_for beta "a commit after the takeover" "[ \$(wc -l < /tmp/acked) -gt $n0 ]" 60
on beta 'touch /tmp/client.stop; sleep 1.5' >/dev/null
case $STACK in
heartbeat) DETECT="Heartbeat after its deadtime, 10 s" ;;
pacemaker) DETECT="corosync after its token timeout and consensus, 11 s; then STONITH" ;;
*) DETECT="keepalived after ~1.1 s" ;;
esac
echo "timeline on beta, from the power cut (tandem drops a silent peer after 1 s, $DETECT):"
on beta "$TIMELINE
echo \"client: \$(wc -l < /tmp/acked) commits acknowledged, \$(wc -l < /tmp/refused) tries refused while the service moved\"" | sed 's/^/    /'
SUMMARY+=("failover, power cut to the client's next commit: $(on beta "$TIMELINE" | grep 'first commit' | awk '{print $1, $2}')")

say "every acknowledged commit is in beta's database"
show beta "$DB rows > /tmp/rows; missing=\$(comm -23 <(cut -d' ' -f1 /tmp/acked | sort) <(sort /tmp/rows) | wc -l)
echo \"\$(wc -l < /tmp/acked) acknowledged, \$(wc -l < /tmp/rows) rows in app.t, \$missing missing\"; [ \$missing -eq 0 ]"
SUMMARY+=("acknowledged commits lost: $(on beta "comm -23 <(cut -d' ' -f1 /tmp/acked | sort) <(sort /tmp/rows) | wc -l")")

say "alpha's power comes back: up r0; it resyncs what beta wrote, before it may serve"
"$PAIR" restart alpha
configure alpha 100
show alpha 'tandemctl up r0 && tandemctl primary r0 2>&1 || echo "(refused, as it should be)"'
stack_start alpha
show alpha 'tandemctl wait-sync r0 --timeout 300 && dmesg | grep -E "activity log|resync (target|done)"; tandemctl status r0'
SUMMARY+=("resync of alpha after the crash: $(on alpha 'dmesg | grep -o "resync done: [0-9]* MiB" | tail -n1 | cut -d" " -f3-') (of 1023 MiB)")

case $STACK in
heartbeat) HANDBACK="hb_standby on beta" ;;
pacemaker) HANDBACK="the service moved away from beta (crm_resource --ban)" ;;
*) HANDBACK="keepalived stopped on beta" ;;
esac
say "failback: $HANDBACK, which hands over (MariaDB stops, unmount, secondary); alpha takes over"
on alpha 'date +%s.%N > /tmp/t0'
stack_handback beta
wait_for alpha "the failback" "$(stack_serving)" 180
echo "timeline on alpha, from $HANDBACK:"
on alpha "$TIMELINE" | sed 's/^/    /'
SUMMARY+=("failback, $HANDBACK to MariaDB up on alpha: $(on alpha "$TIMELINE" | tail -n1 | awk '{print $1, $2}')")
stack_rejoin beta

say "alpha serves every row beta had; verify compares both disks block by block"
ROWS=$(on beta 'wc -l < /tmp/rows')
show alpha "n=\$(mariadb -h $VIP -u app -papp app -N -e 'SELECT COUNT(*) FROM t'); echo \"\$n rows on alpha (beta had $ROWS)\"; [ \$n -eq $ROWS ]"
show alpha 'tandemctl verify r0 && tandemctl status r0'

say "done"
printf '  %s\n' "${SUMMARY[@]}"
