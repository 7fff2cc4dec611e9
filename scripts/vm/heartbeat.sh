#!/usr/bin/env bash
# Heartbeat (haresources mode) inside a test VM, as the README's recipe has
# it: tools/ha/ha.cf.example and haresources.example, tandemdisk promoting
# r0, the Filesystem and IPaddr2 resources of resource-agents, and MariaDB
# (scripts/vm/mariadb.sh) as the service. Used by test 066 and the demo.
#   heartbeat.sh setup     /etc/ha.d: ha.cf (unicast to the peer on the
#                          service network), authkeys, haresources, the scripts
#   heartbeat.sh start     start Heartbeat (logging to syslog, in /run/syslog)
#   heartbeat.sh standby   give the resources to the peer (hb_standby), wait until released
#   heartbeat.sh serving   succeed once this node holds the virtual IP and MariaDB answers on it
#   heartbeat.sh log       Heartbeat's and its scripts' lines of the syslog
#   heartbeat.sh timeline T0   Heartbeat's steps since T0 (seconds since the
#                          epoch): "seconds-after-T0 step", at the syslog's
#                          one-second resolution
set -euo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
VIP=10.0.0.100
HA=/etc/ha.d

case ${1:-} in
setup)
	case $(hostname) in
	alpha) peer=10.0.0.2 ;;
	beta) peer=10.0.0.1 ;;
	*) echo "heartbeat.sh: run in alpha or beta" >&2; exit 2 ;;
	esac
	sed "s/^ucast eth0 .*/ucast eth0 $peer/" "$TOP/tools/ha/ha.cf.example" > $HA/ha.cf
	printf 'auth 1\n1 sha1 tandem test pair\n' > $HA/authkeys
	chmod 600 $HA/authkeys
	# The example's group, with the test VMs' MariaDB as the service.
	sed -n 's|^\(alpha .*\) mariadb \(.*\)|\1 tandem-db \2|p' "$TOP/tools/ha/haresources.example" > $HA/haresources
	grep -q tandemdisk::r0 $HA/haresources
	install -m 0755 "$TOP/tools/ha/tandemdisk" $HA/resource.d/tandemdisk
	cat > $HA/resource.d/tandem-db <<EOF
#!/bin/sh
case \$1 in
start) exec $TOP/scripts/vm/mariadb.sh serve ;;
stop) exec $TOP/scripts/vm/mariadb.sh halt ;;
status) if pidof mariadbd >/dev/null; then echo running; else echo stopped; exit 3; fi ;;
esac
EOF
	chmod 755 $HA/resource.d/tandem-db
	"$TOP/scripts/vm/mariadb.sh" warm
	;;
start)
	pidof syslogd >/dev/null || busybox syslogd -O /run/syslog
	# What the init script (or systemd-tmpfiles) makes: /run is a fresh tmpfs here.
	install -d -m 1755 /run/resource-agents
	for d in crm heartbeat heartbeat/ccm heartbeat/crm heartbeat/dopd; do
		install -d -m 0750 -o hacluster -g haclient /run/$d
	done
	# Its start-up chatter (defaults it fills in) to a file; shown if it fails.
	/usr/libexec/heartbeat/heartbeat > /run/heartbeat-start.log 2>&1 || { cat /run/heartbeat-start.log; exit 1; }
	;;
standby)
	/usr/share/heartbeat/hb_standby all >/dev/null 2>&1
	for _ in $(seq 1200); do
		! ip -4 addr show eth0 | grep -q " $VIP/" && ! pidof mariadbd >/dev/null &&
			[ "$(tandemctl status r0 --json | grep -o '"role":"[a-z]*"')" = '"role":"secondary"' ] && exit 0
		sleep 0.1
	done
	echo "heartbeat.sh: the resources were not released in 120 s" >&2
	exit 1
	;;
serving)
	ip -4 addr show eth0 | grep -q " $VIP/" && mariadb-admin -h $VIP -u app -papp ping >/dev/null 2>&1
	;;
log)
	grep -E 'heartbeat|ResourceManager|mach_down|harc|Filesystem|IPaddr2|hb_standby' /run/syslog 2>/dev/null | cut -c1-240
	;;
timeline)
	awk -v t0="$2" -v y="$(date +%Y)" '
	/is dead|Running .*resource.d.* (start|stop)$|acquisition completed|Releasing resource group/ {
		split($3, hms, ":")
		m = (index("JanFebMarAprMayJunJulAugSepOctNovDec", $1) + 2) / 3
		t = mktime(y " " m " " $2 " " hms[1] " " hms[2] " " hms[3])
		if (t < int(t0))
			next
		msg = $0
		sub(/^([^ ]+ +){5}/, "", msg)
		sub(/^.*\]: (info|WARN|debug): /, "", msg)
		sub(/\/etc\/ha\.d\/+resource\.d\//, "", msg)
		printf "  %5.1f s  %s\n", t - t0, msg
	}' /run/syslog
	;;
*)
	echo "usage: $0 setup|start|standby|serving|log|timeline T0" >&2
	exit 2
	;;
esac
