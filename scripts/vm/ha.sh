# The HA pair the demo and the experiment share: tandem resource r0 (sync)
# on both VMs' /dev/vda, MariaDB on it, and the cluster stack $STACK moving
# the virtual IP 10.0.0.100 and the service: keepalived (the default,
# calling tools/ha/tandem-vrrp), heartbeat (haresources, with
# tools/ha/tandemdisk: scripts/vm/heartbeat.sh) or pacemaker (Corosync,
# the OCF agent, STONITH through the host, constraint-based fencing:
# scripts/vm/pacemaker.sh). Sourced, not run; needs TOP.
# shellcheck shell=bash

PAIR=$TOP/scripts/vm/pair.sh
DB=$TOP/scripts/vm/mariadb.sh
HB=$TOP/scripts/vm/heartbeat.sh
PM=$TOP/scripts/vm/pacemaker.sh
VIP=10.0.0.100
STACK=${STACK:-keepalived}
case $STACK in
keepalived | heartbeat | pacemaker) ;;
*) echo "STACK is keepalived, heartbeat or pacemaker, not '$STACK'" >&2; exit 2 ;;
esac
# The fence-peer handler: under Pacemaker it places a constraint when the
# primary loses its peer (README: Pacemaker); with keepalived it asks the
# peer's outdate listener over the service network, and writes wait for it
# (README: keepalived).
case $STACK in
pacemaker) FENCING="fencing resource-only; handlers { fence-peer $TOP/tools/ha/tandem-crm-fence-peer; after-resync-target $TOP/tools/ha/tandem-crm-fence-peer; }" ;;
keepalived) FENCING="fencing resource-and-stonith; handlers { fence-peer $TOP/tools/ha/tandem-vrrp-fence-peer; }" ;;
*) FENCING= ;;
esac

on() { "$PAIR" run "$@"; }
# vm_num VM: its number, the last byte of its service address.
vm_num() { [ "$1" == alpha ] && echo 1 || echo 2; }

# configure VM PRIORITY: the resource file, its secret, keepalived and what
# tandem-vrrp mounts and runs, or Heartbeat's /etc/ha.d (a VM's / is a
# tmpfs overlay: again after a reboot); MariaDB's files in the page cache
# (mariadb.sh warm). PRIORITY: keepalived's.
configure() {
	on "$1" "mkdir -p /etc/tandem /etc/keepalived
cat > /etc/tandem/r0.res <<'EOF'
resource r0 {
	minor 0;
	protocol sync;
	secret-file /etc/tandem/r0.secret;
	options { timeout 1000; }
	$FENCING
	node alpha { disk /dev/vda; address 10.99.0.1:7789; }
	node beta { disk /dev/vda; address 10.99.0.2:7789; }
}
EOF
printf 'demo secret' > /etc/tandem/r0.secret && chmod 600 /etc/tandem/r0.secret
cat > /etc/tandem/r0.vrrp <<'EOF'
MOUNT=/var/lib/mysql
FSTYPE=ext4
START='$DB serve'
STOP='$DB halt'
FENCE_LISTEN=10.0.0.$(vm_num "$1")
FENCE_PEER=10.0.0.$((3 - $(vm_num "$1")))
EOF
sed -e 's|/usr/lib/tandem/|$TOP/tools/ha/|' -e \"s|/usr/sbin/tandemctl|\$(command -v tandemctl)|\" \
	-e 's/priority 100 .*/priority $2/' $TOP/tools/ha/keepalived.conf.example > /etc/keepalived/keepalived.conf
$DB warm
modprobe tandem"
	[ "$STACK" != heartbeat ] || on "$1" "$HB setup"
	[ "$STACK" != pacemaker ] || on "$1" "$PM setup"
}

# pacemaker_start VM: corosync and Pacemaker on VM. The first time, on both
# (two_node's wait_for_all: the cluster runs nothing until it has seen both
# nodes), with the host's power switch for STONITH (pair.sh fencer, whose
# pid FENCER_PID the caller kills at the end) and the configuration loaded.
FENCER_PID=
pacemaker_start() {
	local cib=${TDM_BUILD:-$TOP/build}/vm/cib
	if [ -n "$FENCER_PID" ]; then
		on "$1" "$PM start"
		return
	fi
	"$PM" cib /etc/tandem "$cib"
	"$PAIR" fencer < /dev/null > /dev/null 2>&1 &
	FENCER_PID=$!
	on alpha "$PM start"
	on beta "$PM start"
	on alpha "$PM configure $cib"
}

# keepalived and tandem-vrrp log to syslog: a busybox syslogd keeps it in /run/syslog.
keepalived_start() {
	on "$1" 'pidof syslogd >/dev/null || busybox syslogd -O /run/syslog
		keepalived -D -f /etc/keepalived/keepalived.conf'
}
keepalived_stop() {
	on "$1" 'kill $(cat /run/keepalived.pid); while [ -e /run/keepalived.pid ]; do sleep 0.1; done'
}

# The stack, whichever it is. stack_start VM: its daemon on VM.
stack_start() {
	case $STACK in
	heartbeat) on "$1" "$HB start" ;;
	pacemaker) pacemaker_start "$1" ;;
	*) keepalived_start "$1" ;;
	esac
}

# stack_serving: a VM script that succeeds once that VM holds the virtual IP,
# MariaDB answers on it, and the stack's steps are done.
stack_serving() {
	if [ "$STACK" = heartbeat ]; then
		echo "$HB serving"
	elif [ "$STACK" = pacemaker ]; then
		echo "$PM serving"
	else
		echo "ip -4 addr show eth0 | grep -q ' $VIP/' && mariadb-admin -h $VIP -u app -papp ping &&
			grep -q 'service started' /run/tandem-vrrp-r0.log"
	fi
}

# stack_handback VM: a planned switch-over away from VM, returned once VM
# has let go (secondary): keepalived stopped there, then tandem-vrrp's stop;
# or Heartbeat's hb_standby (Heartbeat goes on running, as standby); or
# the service moved away by Pacemaker (crm_resource --ban, then --clear).
stack_handback() {
	if [ "$STACK" = heartbeat ]; then
		on "$1" "$HB standby"
	elif [ "$STACK" = pacemaker ]; then
		on "$1" "$PM standby"
	else
		keepalived_stop "$1"
		on "$1" "$TOP/tools/ha/tandem-vrrp r0 stop"
	fi
}

# stack_rejoin VM: VM, handed back, stands by again.
stack_rejoin() {
	[ "$STACK" != keepalived ] || keepalived_start "$1"
}

# stack_steps: a VM script printing the stack's steps on that VM since
# /tmp/t0 (seconds since the epoch), "  seconds  step", then the client's
# first commit from the new primary (/tmp/acked, "id time"): for keepalived
# the first after tandem-vrrp started the service; for Heartbeat (whose log
# has one-second times) and Pacemaker, the first 2 s or more after t0
# (before that, only the old primary can have acknowledged: they declare a
# node dead after 10 s and 11 s).
stack_steps() {
	local steps ts
	case $STACK in
	heartbeat | pacemaker)
		steps="$([ "$STACK" = heartbeat ] && echo "$HB" || echo "$PM") timeline \"\$t0\""
		ts='$(echo "$t0 + 2" | bc)'
		;;
	*)
		steps='grep " master: " /run/tandem-vrrp-r0.log | awk -v t0="$t0" "\$1 >= t0 { printf \"  %5.1f s  %s\n\", \$1 - t0, substr(\$0, index(\$0, \$4)) }"'
		ts='$(awk -v t0="$t0" "\$1 >= t0 && / master: service started/ { print \$1; exit }" /run/tandem-vrrp-r0.log)'
		;;
	esac
	printf '%s\n' 't0=$(cat /tmp/t0); ts='"$ts"'; ts=${ts:-$t0}' "{ $steps" \
		'[ ! -e /tmp/acked ] || awk -v t0="$t0" -v ts="$ts" "\$2 >= ts { printf \"  %5.1f s  the client'"'"'s first commit since (id %s)\n\", \$2 - t0, \$1; exit }" /tmp/acked; } | sort -n'
}

# stack_timeline: a VM script printing all of the stack's steps on that VM
# since /tmp/t0, "  seconds s  step", for either side of a move: tandem-vrrp's
# log (each step after its state, "master: primary"), or Heartbeat's or
# Pacemaker's (tests/experiment/report.py names them).
stack_timeline() {
	case $STACK in
	heartbeat) echo "$HB timeline \$(cat /tmp/t0)" ;;
	pacemaker) echo "$PM timeline \$(cat /tmp/t0)" ;;
	*) echo 'awk -v t0="$(cat /tmp/t0)" "\$1 >= t0 { printf \"  %5.1f s  %s\n\", \$1 - t0, substr(\$0, index(\$0, \$3)) }" /run/tandem-vrrp-r0.log' ;;
	esac
}

# stack_standing_by: a VM script that succeeds once that VM stands by: its
# data up to date and connected, secondary, and the stack ready to hand it
# the service: a VRRP backup (keepalived), its peer seen active (Heartbeat,
# whose hb_standby has no one to give the group to before).
stack_standing_by() {
	local s='tandemctl status r0 --json | grep -q "\"role\":\"secondary\".*\"disk_state\":\"uptodate\".*\"connection\":\"connected\""'
	case $STACK in
	keepalived) s+=' && grep -qx backup /run/tandem-vrrp-r0.state' ;;
	heartbeat) s+=' && [ "$(cl_status nodestatus $([ "$(hostname)" = alpha ] && echo beta || echo alpha))" = active ]' ;;
	esac
	echo "$s"
}

# wait_for VM WHAT SCRIPT [SECONDS]: poll until SCRIPT succeeds in VM.
wait_for() {
	local end=$((SECONDS + ${4:-60}))
	while [ $SECONDS -lt $end ]; do
		on "$1" "$3" >/dev/null 2>&1 && return 0
		sleep 0.25
	done
	echo "${0##*/}: $2 did not happen on $1 in ${4:-60} s" >&2
	diagnose "$1" >&2
	return 1
}

# diagnose VM: what tandem, keepalived, tandem-vrrp and MariaDB say on VM.
diagnose() {
	on "$1" 'tandemctl status; cat /run/tandem-vrrp-r0.log 2>/dev/null
		grep -E "Keepalived|tandem-vrrp" /run/syslog 2>/dev/null | tail -n 40
		tail -n 20 /run/mysqld/error.log 2>/dev/null' || true
}

# fresh_pair: metadata on both zeroed disks, up (beta's declared identical:
# no initial sync), MariaDB's datadir created on alpha, the stack on both
# with alpha serving.
fresh_pair() {
	local vm
	for vm in alpha beta; do
		on $vm 'blkdiscard -f /dev/vda >/dev/null && tandemctl create-md r0'
	done
	on alpha 'tandemctl up r0'
	on beta 'tandemctl attach r0 && tandemctl connect r0 --assume-clean'
	wait_for alpha "connection" 'tandemctl status r0 --json | grep -q "\"connection\":\"connected\""'
	on alpha "tandemctl primary r0 --force && $DB create && $DB stop && tandemctl secondary r0"
	stack_start alpha
	wait_for alpha "MariaDB on the virtual IP" "$(stack_serving)" 180
	stack_start beta
}
