#!/usr/bin/env bash
# Pacemaker + Corosync inside a test VM, as the README's recipe has it:
# tools/ha/corosync.conf.example and pacemaker.crm.example, the tandem OCF
# agent as a promotable clone, Filesystem and IPaddr2 of resource-agents,
# MariaDB (scripts/vm/mariadb.sh, as an LSB script) as the service, and
# STONITH through fence_qemu (the host powers the fenced VM off:
# pair.sh fencer). Used by test 067 and the demo.
#   pacemaker.sh cib CONFIG_DIR OUT   on the host: the example, with the test
#                           pair's fencing and MariaDB and the resource files
#                           in CONFIG_DIR, made CIB XML by crm on an offline
#                           CIB: OUT/SECTION.xml (crm in a VM takes minutes)
#   pacemaker.sh setup      corosync.conf, the agents
#   pacemaker.sh start      start corosync and Pacemaker (wait until they run; running: nothing)
#   pacemaker.sh configure OUT   load OUT/*.xml (on one node, once both are up)
#   pacemaker.sh standby    a planned switch-over: move the service away from
#                           this node, wait until it let go, then stand by for it
#   pacemaker.sh serving    succeed once this node holds the virtual IP and MariaDB answers on it
#   pacemaker.sh log        Pacemaker's lines that say what it did
#   pacemaker.sh timeline T0   its steps since T0 (seconds since the epoch):
#                           "seconds-after-T0 step"
set -euo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
VIP=10.0.0.100
LOG=/var/log/pacemaker/pacemaker.log

case ${1:-} in
cib)
	mkdir -p "$3"
	# crm checks each agent's meta-data, and says so on stderr for the
	# ones only the VMs have; what it loads is checked below.
	sed -e '/^#/d' -e "s|params resource=r0|& config_dir=$2|" \
		-e 's/stonith:fence_ipmilan params .* pcmk_host_list=/stonith:fence_qemu params pcmk_host_list=/' \
		-e "s/^primitive db ocf:heartbeat:mysql params .* op monitor/primitive db lsb:tandem-db op monitor/" \
		"$TOP/tools/ha/pacemaker.crm.example" > "$3/pacemaker.crm"
	export CIB_file=$3/cib.xml
	cibadmin --empty > "$CIB_file"
	crm -o core.check_frequency=never configure load update "$3/pacemaker.crm" > "$3/crm.err" 2>&1 ||
		{ cat "$3/crm.err" >&2; exit 1; }
	for sec in crm_config rsc_defaults resources constraints; do
		cibadmin --query --scope $sec > "$3/$sec.xml"
	done
	grep -q 'type="tandem-db"' "$3/resources.xml" && [ "$(grep -c 'type="fence_qemu"' "$3/resources.xml")" -eq 2 ] &&
		grep -q "value=\"$2\"" "$3/resources.xml" && grep -q 'with-rsc-role="Promoted"' "$3/constraints.xml" ||
		{ echo "pacemaker.sh: the configuration did not convert" >&2; exit 1; }
	;;
setup)
	install -d /etc/corosync /var/log/corosync
	cp "$TOP/tools/ha/corosync.conf.example" /etc/corosync/corosync.conf
	install -D -m 0755 "$TOP/tools/ha/tandem.ocf" /usr/lib/ocf/resource.d/tandem/tandem
	install -m 0755 "$TOP/scripts/vm/fence_qemu" /usr/sbin/fence_qemu
	cat > /etc/init.d/tandem-db <<EOF
#!/bin/sh
case \$1 in
start) exec $TOP/scripts/vm/mariadb.sh serve ;;
stop) exec $TOP/scripts/vm/mariadb.sh halt ;;
status) pidof mariadbd >/dev/null || exit 3 ;;
esac
EOF
	chmod 755 /etc/init.d/tandem-db
	"$TOP/scripts/vm/mariadb.sh" warm
	;;
start)
	pidof pacemakerd >/dev/null && exit 0
	pidof syslogd >/dev/null || busybox syslogd -O /run/syslog
	# What the packages' systemd units and tmpfiles make: / is a fresh overlay.
	mountpoint -q /dev/shm || { mkdir -p /dev/shm && mount -t tmpfs -o mode=1777 shm /dev/shm; }
	install -d -m 0750 -o hacluster -g haclient /var/log/pacemaker /run/crm
	# Its start-up lines only when it fails.
	out=$(corosync 2>&1) || { echo "$out" >&2; exit 1; }
	setsid pacemakerd > /run/pacemakerd.out 2>&1 < /dev/null &
	for _ in $(seq 600); do
		crm_mon -1 > /dev/null 2>&1 && exit 0
		sleep 0.2
	done
	echo "pacemaker.sh: Pacemaker did not come up in 120 s" >&2
	cat /run/pacemakerd.out >&2
	exit 1
	;;
configure)
	for _ in $(seq 600); do
		crm_mon -1 2>/dev/null | grep -q 'Current DC: [a-z]' && break
		sleep 0.2
	done
	cibadmin --modify --scope crm_config --xml-file "$2/crm_config.xml"
	cibadmin --modify --scope rsc_defaults --xml-file "$2/rsc_defaults.xml"
	cibadmin --replace --scope resources --xml-file "$2/resources.xml"
	cibadmin --replace --scope constraints --xml-file "$2/constraints.xml"
	;;
standby)
	me=$(crm_node -n)
	crm_resource --ban --resource service --node "$me" --quiet > /dev/null 2>&1
	for _ in $(seq 1200); do
		if ! ip -4 addr show eth0 | grep -q " $VIP/" && ! pidof mariadbd >/dev/null &&
			[ "$(tandemctl status r0 --json | grep -o '"role":"[a-z]*"')" = '"role":"secondary"' ]; then
			crm_resource --clear --resource service --quiet > /dev/null 2>&1
			exit 0
		fi
		sleep 0.1
	done
	echo "pacemaker.sh: the service was not released in 120 s" >&2
	exit 1
	;;
serving)
	ip -4 addr show eth0 | grep -q " $VIP/" && mariadb-admin -h $VIP -u app -papp ping >/dev/null 2>&1
	;;
log)
	grep -E 'notice|warning|error|crit' $LOG 2>/dev/null | grep -vE 'pacemaker-(based|attrd)' | cut -c1-240
	;;
timeline)
	# The controller's results and the fencer's, at the log's millisecond
	# resolution; the membership change that started it all.
	awk -v t0="$2" -v y="$(date +%Y)" '
	/pacemaker-controld.*Node .* state is now lost|Operation .* targeting .* (OK|Done)|Result of (start|promote|demote|stop) operation for/ {
		split($3, hms, ":")
		m = (index("JanFebMarAprMayJunJulAugSepOctNovDec", $1) + 2) / 3
		t = mktime(y " " m " " $2 " " hms[1] " " hms[2] " " int(hms[3])) + hms[3] - int(hms[3])
		if (t < t0)
			next
		msg = $0
		sub(/^.*\)[ \t]+(notice|info|warning|error): /, "", msg)
		sub(/ \|.*$/, "", msg)
		printf "  %5.1f s  %s\n", t - t0, msg
	}' $LOG
	;;
*)
	echo "usage: $0 setup|start|configure|standby|serving|log|timeline T0" >&2
	exit 2
	;;
esac
