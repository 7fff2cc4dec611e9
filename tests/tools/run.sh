#!/usr/bin/env bash
# What "make install-tools" puts in place, checked on the host (no VM, no
# module): paths substituted in the systemd unit and the udev rule, the unit
# accepted by systemd-analyze, man pages that groff renders without warnings
# and that name every command, the man page's example accepted by
# check-config, and the bash completion.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
passed=0 failed=0
check() {
	local what=$1
	shift
	if "$@" >"$TMP/out" 2>&1; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAIL: $what"
		sed 's/^/    | /' "$TMP/out"
	fi
}

D=$TMP/root
make -s -C "$TOP" install-tools DESTDIR="$D" PREFIX=/usr UNITDIR=/lib/systemd/system \
	UDEVDIR=/lib/udev >"$TMP/install.log" 2>&1 || { cat "$TMP/install.log"; exit 1; }
for f in usr/sbin/tandemctl usr/share/man/man8/tandemctl.8 usr/share/man/man5/tandem.conf.5 \
	usr/share/bash-completion/completions/tandemctl lib/systemd/system/tandem@.service \
	lib/udev/rules.d/65-tandem.rules usr/lib/ocf/resource.d/tandem/tandem \
	usr/lib/tandem/tandem-vrrp usr/lib/tandem/keepalived.conf.example \
	usr/lib/tandem/snapshot-resync-target-lvm etc/ha.d/resource.d/tandemdisk \
	usr/lib/tandem/ha.cf.example usr/lib/tandem/haresources.example \
	usr/lib/tandem/pacemaker.crm.example usr/lib/tandem/corosync.conf.example \
	usr/lib/tandem/tandem-crm-fence-peer usr/lib/tandem/tandem-vrrp-fence-peer etc/tandem; do
	check "installed: /$f" test -e "$D/$f"
done
check "unit runs /usr/sbin/tandemctl up/down" \
	grep -qx 'ExecStart=/usr/sbin/tandemctl up %i' "$D/lib/systemd/system/tandem@.service"
check "unit stops with down" \
	grep -qx 'ExecStop=/usr/sbin/tandemctl down %i' "$D/lib/systemd/system/tandem@.service"
check "udev rule calls /usr/sbin/tandemctl udev-name" \
	grep -q 'PROGRAM="/usr/sbin/tandemctl udev-name %k", SYMLINK+="tandem/by-res/%c"' \
	"$D/lib/udev/rules.d/65-tandem.rules"
check "the OCF agent is executable and says its meta-data" \
	bash -c "'$D/usr/lib/ocf/resource.d/tandem/tandem' meta-data | grep -q '<resource-agent name=\"tandem\"'"
sed -e "s|/usr/lib/tandem/|$D/usr/lib/tandem/|" -e "s|/usr/sbin/tandemctl|$D/usr/sbin/tandemctl|" "$D/usr/lib/tandem/keepalived.conf.example" > "$TMP/keepalived.conf"
check "keepalived accepts the example configuration" keepalived --config-test -f "$TMP/keepalived.conf"
check "tandem-vrrp check fails without the resource" bash -c "! '$D/usr/lib/tandem/tandem-vrrp' r0 check"

check "keepalived's example runs the installed tandemctl vrrp-check" \
	grep -q 'script "/usr/sbin/tandemctl vrrp-check r0 --outdate-after 10"' "$D/usr/lib/tandem/keepalived.conf.example"
check "tandemctl vrrp-check fails without the module" bash -c "! '$D/usr/sbin/tandemctl' vrrp-check r0"
check "tandemctl vrrp-check refuses a bad --outdate-after" \
	bash -c "'$D/usr/sbin/tandemctl' vrrp-check r0 --outdate-after -1; [ \$? -eq 2 ]"
# Its decisions are unit-tested (tests/unit/test_vrrp.c); tandem-vrrp's check
# hands over to it, with OUTDATE_AFTER from the resource's .vrrp file.
mkdir -p "$TMP/vrrp/bin"
printf '#!/bin/sh\necho "$*" > "$TANDEM_VRRP_RUNDIR/args"; exit 1\n' > "$TMP/vrrp/bin/tandemctl"
chmod +x "$TMP/vrrp/bin/tandemctl"
echo "OUTDATE_AFTER=7" > "$TMP/vrrp/r0.vrrp"
check "tandem-vrrp check is tandemctl vrrp-check, with its exit code" \
	env PATH="$TMP/vrrp/bin:$PATH" TANDEM_VRRP_RUNDIR="$TMP/vrrp" TANDEM_VRRP_CONF="$TMP/vrrp/r0.vrrp" \
	bash -c "! '$D/usr/lib/tandem/tandem-vrrp' r0 check && grep -qx 'vrrp-check r0 --outdate-after 7' '$TMP/vrrp/args'"

# The transitions, against stand-ins that record their calls in $TMP/move/calls:
# tandemctl (primary refused twice, as while the old primary steps down;
# status gives role $STUB_ROLE and device /dev/tandem0), mount, umount and
# modprobe.
m=$TMP/move
mkdir -p "$m/bin"
cat > "$m/bin/tandemctl" <<'EOF'
#!/bin/sh
echo "tandemctl $*" >> "$TANDEM_VRRP_RUNDIR/calls"
case $1 in
status) echo "{\"role\":\"$STUB_ROLE\",\"device\":\"/dev/tandem0\"}" ;;
fence-listen) sleep 30 ;;
primary)
	[ -z "$STUB_BACKUP_AFTER" ] || echo backup > "$TANDEM_VRRP_RUNDIR/tandem-vrrp-r0.want"
	[ "$(grep -c "tandemctl primary" "$TANDEM_VRRP_RUNDIR/calls")" -gt 2 ] ;;
esac
EOF
cat > "$m/bin/mount" <<'EOF'
#!/bin/sh
echo "${0##*/} $*" >> "$TANDEM_VRRP_RUNDIR/calls"
EOF
cp "$m/bin/mount" "$m/bin/umount"
cp "$m/bin/mount" "$m/bin/modprobe"
chmod +x "$m/bin/"*
# vrrp_move WHAT STATE ROLE MOUNT WANT [FSTYPE]: the calls of "tandem-vrrp r0
# STATE" (with a service whose start and stop are recorded too) are WANT.
vrrp_move() {
	rm -f "$m/calls" "$m"/tandem-vrrp-*
	printf 'MOUNT=%s\nFSTYPE=%s\nSTART="echo start >> %s"\nSTOP="echo stop >> %s"\n' \
		"$4" "${6:-}" "$m/calls" "$m/calls" > "$m/r0.vrrp"
	check "tandem-vrrp $2: $1" env PATH="$m/bin:$PATH" TANDEM_VRRP_RUNDIR="$m" TANDEM_VRRP_CONF="$m/r0.vrrp" \
		STUB_ROLE="$3" WANT="$5" bash -c "'$D/usr/lib/tandem/tandem-vrrp' r0 $2 || exit 1
		[ \"\$(tr '\n' ';' < '$m/calls')\" = \"\$WANT\" ] || { echo \"calls: \$(tr '\n' ';' < '$m/calls')\"; exit 1; }"
}
vrrp_move "promotes (retried), mounts what is not mounted, starts" master secondary "$m/mnt/" \
	"tandemctl primary r0 --wait 1;tandemctl primary r0 --wait 1;tandemctl primary r0 --wait 1;tandemctl status r0 --json;mount /dev/tandem0 $m/mnt/;start;"
check "tandem-vrrp master: makes the mount point" test -d "$m/mnt"
vrrp_move "does not mount what is mounted" master secondary /proc \
	"tandemctl primary r0 --wait 1;tandemctl primary r0 --wait 1;tandemctl primary r0 --wait 1;start;"
vrrp_move "stops, unmounts, demotes" backup primary /proc \
	"tandemctl status r0 --json;stop;umount /proc;tandemctl secondary r0;"
vrrp_move "does not unmount what is not mounted" fault primary "$m/mnt" \
	"tandemctl status r0 --json;stop;tandemctl secondary r0;"
vrrp_move "a secondary has nothing to stop" stop secondary /proc "tandemctl status r0 --json;"
vrrp_move "with FSTYPE, mounts it without a probe" master secondary "$m/mnt/" \
	"tandemctl primary r0 --wait 1;tandemctl primary r0 --wait 1;tandemctl primary r0 --wait 1;tandemctl status r0 --json;mount -t ext4 /dev/tandem0 $m/mnt/;start;" ext4
vrrp_move "a backup loads FSTYPE's module ahead" backup secondary /proc \
	"tandemctl status r0 --json;modprobe -q ext4;" ext4
vrrp_move "a fault does not" fault secondary /proc "tandemctl status r0 --json;" ext4
rm -f "$m/calls" "$m"/tandem-vrrp-*
check "tandem-vrrp master: stops promoting once keepalived wants backup (a late master's adverts)" \
	env PATH="$m/bin:$PATH" TANDEM_VRRP_RUNDIR="$m" TANDEM_VRRP_CONF="$m/r0.vrrp" STUB_BACKUP_AFTER=1 \
	bash -c "! '$D/usr/lib/tandem/tandem-vrrp' r0 master &&
		[ \"\$(tr '\n' ';' < '$m/calls')\" = 'tandemctl primary r0 --wait 1;' ] &&
		grep -q 'keepalived is no longer master here: not promoting' '$m/tandem-vrrp-r0.log'"
rm -f "$m/calls" "$m"/tandem-vrrp-*
check "tandem-vrrp backup: does nothing once its turn comes if keepalived wants master again" \
	env PATH="$m/bin:$PATH" TANDEM_VRRP_RUNDIR="$m" TANDEM_VRRP_CONF="$m/r0.vrrp" STUB_ROLE=primary \
	bash -c "exec 9> '$m/tandem-vrrp-r0.lock'; flock 9
		'$D/usr/lib/tandem/tandem-vrrp' r0 backup & sleep 0.5; echo master > '$m/tandem-vrrp-r0.want'
		flock -u 9; wait \$! && [ ! -e '$m/calls' ] &&
		grep -q 'backup: keepalived has moved on since: nothing to do' '$m/tandem-vrrp-r0.log'"
rm -f "$m/calls" "$m"/tandem-vrrp-*
printf 'FENCE_LISTEN=10.0.0.1\n' > "$m/r0.vrrp"
check "tandem-vrrp: FENCE_LISTEN keeps one outdate listener running, started once" \
	env PATH="$m/bin:$PATH" TANDEM_VRRP_RUNDIR="$m" TANDEM_VRRP_CONF="$m/r0.vrrp" STUB_ROLE=secondary \
	bash -c "'$D/usr/lib/tandem/tandem-vrrp' r0 backup && sleep 0.3 && '$D/usr/lib/tandem/tandem-vrrp' r0 fault &&
		sleep 0.3 && [ \"\$(grep -c '^tandemctl fence-listen r0 --address 10.0.0.1\$' '$m/calls')\" = 1 ] &&
		kill -0 \$(cat '$m/tandem-vrrp-r0.listen.pid')"
pkill -f "[t]andemctl fence-listen r0 --address 10.0.0.1" 2>/dev/null
# The keepalived recipe's fence-peer handler, against a tandemctl stand-in
# that records its arguments and exits $STUB_RC.
cat > "$m/bin/tandemctl" <<'EOF'
#!/bin/sh
echo "tandemctl $*" >> "$TANDEM_VRRP_RUNDIR/calls"
exit "${STUB_RC:-4}"
EOF
FPV=$D/usr/lib/tandem/tandem-vrrp-fence-peer
# fpv WHAT STATE RC WANT [VAR=VALUE...]: with keepalived's last state STATE, the
# handler exits RC after calling WANT.
fpv() {
	local what=$1 state=$2 rc=$3 want=$4
	shift 4
	rm -f "$m/calls" "$m"/tandem-vrrp-*
	[ -z "$state" ] || echo "$state" > "$m/tandem-vrrp-r0.state"
	check "tandem-vrrp-fence-peer: $what" env PATH="$m/bin:$PATH" TANDEM_VRRP_RUNDIR="$m" \
		TANDEM_VRRP_CONF="$m/r0.vrrp" TANDEM_RESOURCE=r0 "$@" WANT="$want" RC="$rc" bash -c "'$FPV'; rc=\$?
		[ \$rc = \$RC ] || { echo \"exit \$rc, not \$RC\"; exit 1; }
		[ \"\$(cat '$m/calls' 2>/dev/null)\" = \"\$WANT\" ] || { echo \"calls: \$(cat '$m/calls' 2>/dev/null)\"; exit 1; }
		grep -q 'fence-peer: ' '$m/tandem-vrrp-r0.log'"
}
printf 'FENCE_PEER=10.0.0.2\n' > "$m/r0.vrrp"
fpv "master: a silent peer may be taken as down" master 7 \
	"tandemctl fence-peer r0 --address 10.0.0.2 --down-if-silent 1" STUB_RC=7
fpv "backup: never taken as down" backup 4 "tandemctl fence-peer r0 --address 10.0.0.2"
fpv "no state yet: never taken as down" "" 5 "tandemctl fence-peer r0 --address 10.0.0.2" STUB_RC=5
printf 'FENCE_PEER=10.0.0.2\nFENCE_SILENT=3\n' > "$m/r0.vrrp"
fpv "FENCE_SILENT" master 4 "tandemctl fence-peer r0 --address 10.0.0.2 --down-if-silent 3"
printf '\n' > "$m/r0.vrrp"
fpv "no FENCE_PEER: not fenced (5), tandemctl not run" master 5 ""
# Heartbeat's tandemdisk, against a tandemctl stand-in whose status says
# role $STUB_ROLE (exit 3 for "down": no such resource), whose primary
# fails with $STUB_REFUSE set, and that records its calls in $m/calls.
cat > "$m/bin/tandemctl" <<'EOF'
#!/bin/sh
echo "tandemctl $*" >> "$TANDEM_STUB_DIR/calls"
case $1 in
status) [ "$STUB_ROLE" = down ] && exit 3; echo "{\"name\":\"r0\",\"role\":\"$STUB_ROLE\"}" ;;
primary) [ -z "$STUB_REFUSE" ] ;;
esac
EOF
HB=$D/etc/ha.d/resource.d/tandemdisk
# hb_move WHAT ARGS ROLE RC OUT CALLS: "tandemdisk ARGS" with status role ROLE
# exits RC, prints OUT (a glob) and makes the calls CALLS.
hb_move() {
	rm -f "$m/calls"
	check "tandemdisk $2: $1" env PATH="$m/bin:$PATH" TANDEM_STUB_DIR="$m" STUB_ROLE="$3" \
		RC="$4" OUT="$5" CALLS="$6" bash -c "out=\$('$HB' $2); rc=\$?
		calls=\$(tr '\n' ';' < '$m/calls' 2>/dev/null)
		[ \$rc = \$RC ] && [[ \$out == \$OUT ]] && [ \"\$calls\" = \"\$CALLS\" ] ||
			{ echo \"rc \$rc, output '\$out', calls '\$calls'\"; exit 1; }"
}
hb_move "promotes without --force, waiting for a peer that steps down" "r0 start" secondary 0 "" \
	"tandemctl primary r0 --wait 30;"
hb_move "demotes a primary" "r0 stop" primary 0 "" "tandemctl status r0 --json;tandemctl secondary r0;"
hb_move "a secondary is stopped already" "r0 stop" secondary 0 "" "tandemctl status r0 --json;"
hb_move "a resource that is not up is stopped already" "r0 stop" down 0 "" "tandemctl status r0 --json;"
hb_move "a primary is running (Heartbeat reads the word)" "r0 status" primary 0 "running (primary)" \
	"tandemctl status r0 --json;"
hb_move "a secondary is stopped" "r0 status" secondary 3 "stopped (secondary)" "tandemctl status r0 --json;"
hb_move "a resource that is not up is stopped" "r0 status" down 3 "stopped (down)" "tandemctl status r0 --json;"
hb_move "unsure is 'may be running'" "r0 status" "" 4 "*may be running*" "tandemctl status r0 --json;"
rm -f "$m/calls"
check "tandemdisk start fails when tandem refuses" env PATH="$m/bin:$PATH" TANDEM_STUB_DIR="$m" STUB_REFUSE=1 \
	bash -c "! '$HB' r0 start"
check "tandemdisk refuses a bad command line" bash -c "'$HB' r0 2>&1 | grep -q usage &&
	'$HB' r0 bogus 2>&1 | grep -q usage"
check "the haresources example runs tandemdisk on r0, then mounts /dev/tandem0" \
	grep -qE '^alpha tandemdisk::r0 Filesystem::/dev/tandem0::' "$D/usr/lib/tandem/haresources.example"
# The constraint-based fence-peer handler, on an offline CIB (CIB_file: the
# real cibadmin) holding a promotable clone of r0, with crm_node and crm_mon
# stand-ins: this node alpha, the peer beta a member unless $STUB_LOST, and
# crm_mon reporting beta $STUB_PEER (e.g. "OFFLINE: [ beta ]").
if command -v cibadmin >/dev/null; then
	export CIB_file=$m/cib.xml
	cibadmin --empty > "$CIB_file"
	cibadmin --create --scope resources --xml-text '<clone id="r0-clone"><primitive id="r0" class="ocf" provider="tandem" type="tandem"><instance_attributes id="r0-ia"><nvpair id="r0-ia-resource" name="resource" value="r0"/></instance_attributes></primitive></clone>'
	cat > "$m/bin/crm_node" <<'EOF'
#!/bin/sh
case $1 in
-n) echo alpha ;;
-l) echo "1 alpha member"; if [ -n "$STUB_LOST" ]; then echo "2 beta lost"; else echo "2 beta member"; fi ;;
esac
EOF
	cat > "$m/bin/crm_mon" <<'EOF'
#!/bin/sh
echo "Node List:"; echo "  * Online: [ alpha ]"; echo "  * $STUB_PEER"
EOF
	chmod +x "$m/bin/crm_node" "$m/bin/crm_mon"
	FP=$D/usr/lib/tandem/tandem-crm-fence-peer
	constraint() { cibadmin --query --xpath "//rsc_location[@id='tandem-fence-r0']" 2>/dev/null; }
	export -f constraint
	# fp WHAT RC [VAR=VALUE...]: the handler, for r0, exits RC.
	fp() {
		local what=$1 rc=$2
		shift 2
		check "tandem-crm-fence-peer: $what" env PATH="$m/bin:$PATH" TANDEM_RESOURCE=r0 "$@" \
			RC="$rc" bash -c "'$FP'; rc=\$?; [ \$rc = \$RC ] || { echo \"exit \$rc, not \$RC\"; exit 1; }"
	}
	fp "resource-only: a constraint, answered 4 (outdated)" 4 TANDEM_FENCING=resource-only
	check "tandem-crm-fence-peer: the constraint keeps r0-clone from promotion but on alpha" bash -c \
		"constraint | grep -q 'rsc=\"r0-clone\"' && constraint | grep -q 'role=\"Promoted\" score=\"-INFINITY\"' &&
		constraint | grep -q 'operation=\"ne\" value=\"alpha\"'"
	fp "a second loss of the peer replaces the constraint" 4 TANDEM_FENCING=resource-only
	check "tandem-crm-fence-peer: one constraint, not two" bash -c "[ \$(constraint | grep -c '<rsc_location') = 1 ]"
	fp "resource-and-stonith, the peer still a member (the link only): 4" 4 TANDEM_FENCING=resource-and-stonith
	fp "resource-and-stonith, the peer lost and fenced: 7" 7 TANDEM_FENCING=resource-and-stonith STUB_LOST=1 \
		STUB_PEER="OFFLINE: [ beta ]"
	fp "resource-and-stonith, the peer lost, never fenced: 4 after the wait" 4 TANDEM_FENCING=resource-and-stonith \
		STUB_LOST=1 STUB_PEER="Node beta: UNCLEAN (offline)" TANDEM_CRM_FENCE_WAIT=1
	fp "after-resync-target removes the constraint" 0 TANDEM_HANDLER=after-resync-target
	check "tandem-crm-fence-peer: no constraint left" bash -c "! constraint"
	fp "another handler's name is refused" 1 TANDEM_HANDLER=split-brain
	cibadmin --delete --xml-text '<clone id="r0-clone"/>'
	fp "no clone of ocf:tandem:tandem for r0: fails (1), places nothing" 1 TANDEM_FENCING=resource-only
	check "tandem-crm-fence-peer: nothing placed without a clone" bash -c "! constraint"
	unset CIB_file
else
	echo "tools: cibadmin (pacemaker) missing: tandem-crm-fence-peer is not checked"
fi
# The outdate exchange of the keepalived recipe, over loopback: the host has
# no tandem module, so the listener answers 4 (the resource is down here).
F=$TMP/fence
mkdir -p "$F/etc"
printf 'fence test secret' > "$F/secret" && chmod 600 "$F/secret"
printf 'another secret' > "$F/other" && chmod 600 "$F/other"
cat > "$F/etc/r0.res" <<EOF
resource r0 { minor 0; secret-file $F/secret; node alpha { disk /dev/null; address 127.0.0.1:7789; } node beta { disk /dev/null; address 127.0.0.2:7789; } }
EOF
TCTL=$D/usr/sbin/tandemctl
port=$((20000 + RANDOM % 20000))
"$TCTL" fence-listen r0 --address 127.0.0.1:$port --secret-file "$F/secret" 2> "$F/listen.log" &
lpid=$!
for _ in $(seq 50); do grep -qs listening "$F/listen.log" && break; sleep 0.1; done
# fpeer RC WHAT ARGS...: tandemctl fence-peer exits RC.
fpeer() {
	local rc=$1 what=$2
	shift 2
	check "fence-peer: $what" bash -c "'$TCTL' fence-peer \"\$@\"; rc=\$?; [ \$rc = $rc ] || { echo \"exit \$rc, not $rc\"; exit 1; }" _ "$@"
}
fpeer 4 "signed request answered: outdated (the resource is down there)" r0 --address 127.0.0.1:$port --secret-file "$F/secret"
check "fence-listen logs the request" grep -q "127.0.0.1 asks this node to outdate its data" "$F/listen.log"
check "fence-listen agrees with a second implementation of the exchange (Python's hmac)" bash -c \
	"python3 '$TOP/tests/vm/helpers/fence-request.py' 127.0.0.1:$port r0 '$F/secret' | grep -qx 'answer 4 the resource is down on the peer: its data can be promoted only with --force'"
fpeer 5 "another secret: refused, not fenced" r0 --address 127.0.0.1:$port --secret-file "$F/other"
check "fence-listen says why it refused" grep -q "refused a request from 127.0.0.1: not signed with the resource's secret" "$F/listen.log"
fpeer 5 "another resource: refused, not fenced" r1 --address 127.0.0.1:$port --secret-file "$F/secret"
check "fence-peer: the secret from the resource file" bash -c \
	"'$TCTL' --config-dir '$F/etc' fence-peer r0 --address 127.0.0.1:$port; [ \$? = 4 ]"
check "fence-peer: a garbled request is refused and the listener goes on" bash -c \
	"exec 3<>/dev/tcp/127.0.0.1/$port; read -r -t 5 g <&3; echo 'outdate r0 zz zz' >&3; read -r -t 5 a <&3; [[ \$a == 'refused malformed request' ]]"
fpeer 4 "the listener still answers" r0 --address 127.0.0.1:$port --secret-file "$F/secret"
kill $lpid
wait $lpid 2>/dev/null
fpeer 5 "no listener (refused): not fenced, even with --down-if-silent" r0 --address 127.0.0.1:$port \
	--secret-file "$F/secret" --wait 1 --down-if-silent 1
check "fence-peer: a configuration error exits 5, never 4 (tandemctl's code for it)" bash -c \
	"'$TCTL' --config-dir '$F/none' fence-peer r0 --address 127.0.0.1:$port; [ \$? = 5 ]"
fpeer 5 "a bad command line exits 5" r0 --address nowhere
check "fence-listen needs an address" bash -c "! '$TCTL' fence-listen r0 --secret-file '$F/secret'"
if [ "$(id -u)" = 0 ] && ip netns add tdm-fence-test 2>/dev/null; then
	ip -n tdm-fence-test link set lo up
	ip -n tdm-fence-test route add unreachable 10.9.9.0/24
	check "fence-peer: silent, without --down-if-silent: not fenced" bash -c \
		"ip netns exec tdm-fence-test '$TCTL' fence-peer r0 --address 10.9.9.9 --secret-file '$F/secret' --wait 1; [ \$? = 5 ]"
	check "fence-peer: silent, --down-if-silent: 7" bash -c \
		"ip netns exec tdm-fence-test '$TCTL' fence-peer r0 --address 10.9.9.9 --secret-file '$F/secret' --down-if-silent 1; [ \$? = 7 ]"
	ip netns del tdm-fence-test
else
	echo "tools: not root, or no network namespaces: fence-peer's silent peer is not checked"
fi

check "tandem-vrrp refuses an unknown state" bash -c "'$D/usr/lib/tandem/tandem-vrrp' r0 bogus 2>&1 | grep -q usage"
check "no @placeholder@ left" bash -c "! grep -r '@[A-Z]*@' '$D/lib'"

# systemd-analyze checks the unit's syntax and that ExecStart exists: point it at the
# installed binary. Its only allowed complaint: the man pages are not in the host's man path.
# Only where it is quiet about a minimal valid unit (it may not work in every container).
printf '[Unit]\nDescription=x\n[Service]\nType=oneshot\nExecStart=/bin/true\n' > "$TMP/calib.service"
if ! command -v systemd-analyze >/dev/null || [ -n "$(systemd-analyze verify "$TMP/calib.service" 2>&1)" ]; then
	echo "tools: systemd-analyze missing or not usable here: the unit's syntax is not verified"
else
	sed "s|/usr/sbin/tandemctl|$D/usr/sbin/tandemctl|" "$D/lib/systemd/system/tandem@.service" \
		> "$TMP/tandem@.service"
	cp "$TMP/tandem@.service" "$TMP/tandem@r0.service"
	check "systemd-analyze verify tandem@r0.service" bash -c \
		"systemd-analyze verify '$TMP/tandem@r0.service' 2>&1 | { ! grep -v -e \"Command 'man \" -e '^$'; }"
fi

for m in "$D/usr/share/man/man8/tandemctl.8" "$D/usr/share/man/man5/tandem.conf.5"; do
	check "groff renders $(basename "$m") without warnings" \
		bash -c "out=\$(groff -man -ww -z '$m' 2>&1); [ -z \"\$out\" ] || { echo \"\$out\"; false; }"
done
cmds=$("$TOP/tools/tandemctl" help | sed -n 's/^  \([a-z-]*\).*/\1/p')
for c in $cmds; do
	[ "$c" == help ] && continue
	check "tandemctl.8 describes $c" grep -q "^\.B[IR]* *\"\?${c//-/\\\\-}\b" "$TOP/tools/man/tandemctl.8"
	check "completion offers $c" bash -c ". '$TOP/tools/etc/tandemctl.bash-completion'; COMP_WORDS=(tandemctl '$c'); COMP_CWORD=1; _tandemctl; printf '%s\n' \"\${COMPREPLY[@]}\" | grep -qx -- '$c'"
done

# The man pages state the module's limits (include/tandem_netlink.h): each
# option its own range and default, and no range or default that is not one
# of the header's.
uapi() {
	echo $(($(printf '#include "tandem_netlink.h"\n%s\n' "$1" | cc -E -P -I"$TOP/include" - | tail -n1)))
}
NAME_LEN_MAX=$(uapi TANDEM_NAME_LEN_MAX) MINOR_MAX=$(uapi TANDEM_MINOR_MAX)
SECRET_MIN=$(uapi TANDEM_SECRET_MIN) SECRET_MAX=$(uapi TANDEM_SECRET_MAX)
T_MIN=$(uapi TANDEM_TIMEOUT_MS_MIN) T_MAX=$(uapi TANDEM_TIMEOUT_MS_MAX) T_DEF=$(uapi TANDEM_TIMEOUT_MS_DEF)
R_MIN=$(uapi TANDEM_RESYNC_RATE_MIN) R_MAX=$(uapi TANDEM_RESYNC_RATE_MAX)
C_MIN=$(uapi TANDEM_CONGESTION_MIB_MIN) C_MAX=$(uapi TANDEM_CONGESTION_MIB_MAX)
K_MIN=$(uapi TANDEM_KO_COUNT_MIN) K_MAX=$(uapi TANDEM_KO_COUNT_MAX)
D_MIN=$(uapi TANDEM_DISK_TIMEOUT_MS_MIN) D_MAX=$(uapi TANDEM_DISK_TIMEOUT_MS_MAX)
C_DEF=$(uapi TANDEM_CONGESTION_MIB_DEF)
man8=$TOP/tools/man/tandemctl.8 man5=$TOP/tools/man/tandem.conf.5
# man_says PAGE AT TEXT: the line of PAGE holding AT, or the next one, says TEXT (fixed strings).
man_says() {
	grep -F -A1 -- "$2" "$1" | grep -qF -- "$3" ||
		{ echo "$(basename "$1"): not said at '$2': '$3'"; return 1; }
}
check "tandemctl.8: --minor's range" man_says "$man8" '.RI ( n' "from 0 to $MINOR_MAX)"
check "tandemctl.8: the secret's length" man_says "$man8" '\-\-secret\-file " file"' \
	"($SECRET_MIN to $SECRET_MAX bytes"
check "tandemctl.8: --timeout's range and default" man_says "$man8" '\-\-timeout " ms"' \
	"($T_MIN to $T_MAX, default $T_DEF)"
check "tandemctl.8: --resync-rate's range" man_says "$man8" '\-\-resync\-rate " MiB/s"' \
	"($R_MIN to $R_MAX, default: no limit)"
check "tandemctl.8: --congestion-limit's range and default" man_says "$man8" \
	'\-\-congestion\-limit " MiB"' "$C_MIN to $C_MAX, default $C_DEF)"
check "tandem.conf.5: minor's range" man_says "$man5" 'minor \fIN\fR;' "0 to $MINOR_MAX"
check "tandem.conf.5: timeout's range and default" man_says "$man5" 'timeout \fIms\fR;' \
	"# $T_MIN to $T_MAX, default $T_DEF"
check "tandem.conf.5: resync-rate's range" man_says "$man5" 'resync\-rate \fIMiB/s\fR;' \
	"# $R_MIN to $R_MAX, default no limit"
check "tandem.conf.5: congestion-limit's range and default" man_says "$man5" \
	'congestion\-limit \fIMiB\fR;' "# $C_MIN to $C_MAX, default $C_DEF"
check "tandem.conf.5: ko-count's range" man_says "$man5" 'ko\-count \fIN\fR;' \
	"# $K_MIN to $K_MAX timeouts, default off"
check "tandemctl.8: ko-count's range" man_says "$man8" '\-\-ko\-count " n"' "($K_MIN to $K_MAX, default off"
check "tandemctl.8: --disk-timeout's range" man_says "$man8" '.B \-\-disk\-timeout' \
	"default: no limit; else $D_MIN to $D_MAX ms"
check "tandem.conf.5: disk-timeout's range" man_says "$man5" 'disk\-timeout \fIms\fR;' \
	"# 0 (off, the default) or $D_MIN to $D_MAX"
check "tandem.conf.5: the name's length" man_says "$man5" 'A resource has a name' \
	"(1 to $NAME_LEN_MAX of letters"
# no_stray_limits PAGE...: every "N to M" and "default N" in the pages is the header's.
no_stray_limits() {
	local ranges=" 0-$MINOR_MAX $SECRET_MIN-$SECRET_MAX $T_MIN-$T_MAX $R_MIN-$R_MAX $C_MIN-$C_MAX $K_MIN-$K_MAX $D_MIN-$D_MAX 1-$NAME_LEN_MAX "
	local r d bad=
	for r in $(cat "$@" | grep -oE '\b[0-9]+ to [0-9]+\b' | sed 's/ to /-/'); do
		[[ $ranges == *" $r "* ]] || bad+=" $r"
	done
	for d in $(cat "$@" | grep -oE 'default:? [0-9]+' | grep -oE '[0-9]+$'); do
		[[ " $T_DEF $C_DEF " == *" $d "* ]] || bad+=" default:$d"
	done
	[ -z "$bad" ] || { echo "not limits of include/tandem_netlink.h:$bad"; return 1; }
}
check "the man pages state no other ranges or defaults" no_stray_limits "$man8" "$man5"
check "tandemctl.8 describes status -v" grep -qF '.BR status " [\fIres\fR] [" \-v | \-\-verbose' "$man8"

# The man page's example is a valid resource file.
mkdir -p "$TMP/conf"
sed -n '/^\.SH EXAMPLE/,/^\.SH/p' "$TOP/tools/man/tandem.conf.5" | sed -n '/^\.nf/,/^\.fi/p' |
	sed -e '/^\.nf/d' -e '/^\.fi/d' -e 's/\\-/-/g' -e "s|/etc/tandem/|$TMP/conf/|" > "$TMP/conf/r0.res"
tctl() { "$TOP/tools/tandemctl" --config-dir "$TMP/conf" --node node1 "$@"; }
expect_fail() { ! "$@"; }
# new_secret: a fresh secret file, 64 hex digits and a newline, mode 600.
new_secret() {
	tctl new-secret r0 "$@" >/dev/null || return 1
	[ "$(stat -c %a "$TMP/conf/r0.secret")" = 600 ] || { echo "mode $(stat -c %a "$TMP/conf/r0.secret")"; return 1; }
	grep -qxE '[0-9a-f]{64}' "$TMP/conf/r0.secret" || { echo "content: $(cat "$TMP/conf/r0.secret")"; return 1; }
	[ "$(stat -c %s "$TMP/conf/r0.secret")" = 65 ]
}
check "check-config refuses the example before its secret exists" expect_fail tctl check-config
check "new-secret writes the example's secret" new_secret
cp "$TMP/conf/r0.secret" "$TMP/secret.old"
check "new-secret keeps an existing secret" expect_fail tctl new-secret r0
check "new-secret --force replaces it" new_secret --force
check "...with other bytes" expect_fail cmp -s "$TMP/conf/r0.secret" "$TMP/secret.old"
check "the man page's example passes check-config" tctl check-config
sed -i 's|^ *secret-file .*||' "$TMP/conf/r0.res"
check "a resource without secret-file fails check-config" expect_fail tctl check-config
check "new-secret says the resource has no secret-file" expect_fail tctl new-secret r0
sed -i 's|minor 0;|minor 0; insecure;|' "$TMP/conf/r0.res"
check "...unless it says insecure" tctl check-config

# Completion: commands, options, resource names from the files, --config-dir honoured.
printf 'resource s1 {\n minor 0;\n}\n  resource web.1 { minor 1; }\n' > "$TMP/conf/more.res"
complete_words() {
	bash -c ". '$TOP/tools/etc/tandemctl.bash-completion'; COMP_WORDS=($1); COMP_CWORD=$2; _tandemctl; echo \"\${COMPREPLY[*]}\""
}
expect_completion() {
	local got
	got=$(complete_words "$1" "$2" | tr ' ' '\n' | sort | tr '\n' ' ')
	[ "$got" == "$3 " ] || { echo "completing '$1' (word $2): got '$got', expected '$3 '"; return 1; }
}
check "complete a command" expect_completion "tandemctl ch ''" 1 "check-config"
check "complete up's resources" expect_completion "tandemctl --config-dir $TMP/conf up ''" 4 "all r0 s1 web.1"
check "complete primary's resource" expect_completion "tandemctl --config-dir $TMP/conf primary w" 4 "web.1"
check "complete connect's options" expect_completion "tandemctl connect r0 --p" 3 "--peer --protocol"
check "complete --protocol's value" expect_completion "tandemctl connect r0 --protocol ''" 4 "async sync"
check "complete status's options" expect_completion "tandemctl status r0 -" 3 "--json --verbose -v"

# The experiment's report (tests/experiment/report.py) on a real httperf
# output: 10 connections, one timed out, one answered 503, 8 hits, one of
# them not in the database.
E=$TOP/tests/experiment
printf '%s\n' 1 2 3 4 6 8 10 > "$TMP/rows"     # hit 9 is missing
# The steps as ha.sh's stack_timeline prints them for keepalived (tandem-vrrp's log).
printf '    1.9 s  master: promoting\n    2.0 s  fence-peer: exit 7 (keepalived state: master): x\n    2.1 s  master: primary\n    2.6 s  master: mounted /var/lib/mysql\n    5.3 s  master: service started\n    7.0 s  master: promoting\n' > "$TMP/steps"
python3 "$E/report.py" run --kind failover --rate 10 --rep 1 --event 100.5 --up 106.25 \
	--httperf "$E/testdata/httperf.txt" --rows "$TMP/rows" \
	--steps "$TMP/steps" > "$TMP/run.json" 2>&1
# expect_run EXPR VALUE: the Python expression over the run's JSON (r) is VALUE.
expect_run() {
	local got
	got=$(python3 -c "import json; r = json.load(open('$TMP/run.json')); print($1)" 2>&1)
	[ "$got" == "$2" ] || { echo "$1: got '$got', expected '$2'"; return 1; }
}
check "report: httperf's totals" expect_run "r['connections'], r['requests'], r['replies']" "10 10 9"
check "report: reply status and errors" expect_run "r['status']['2xx'], r['status']['5xx'], r['errors'], r['error_kinds']" \
	"8 1 1 {'client-timo': 1}"
check "report: two clients' counts added up" bash -c "python3 '$E/report.py' run --kind failback --rate 10 --rep 1 \
	--httperf '$E/testdata/httperf.txt' '$E/testdata/httperf.txt' --rows '$TMP/rows' \
	--steps '$TMP/steps' | grep -q '\"connections\": 20, \"requests\": 20, \"replies\": 18, .*\"status\": {\"1xx\": 0, \"2xx\": 16, \"3xx\": 0, \"4xx\": 0, \"5xx\": 2}, \"errors\": 2, \"error_kinds\": {\"client-timo\": 2}'"
check "report: acknowledged hits, and those missing from the database" expect_run "r['ok'], r['lost']" "8 1"
check "report: the first of each step, service up from the event" \
	expect_run "sorted(r['steps_s'].items())" \
	"[('database_up', 5.3), ('detected', 1.9), ('fenced', 2.0), ('mounted', 2.6), ('promoted', 2.1), ('service_up', 5.75)]"
# steps_of LINES: the steps report.py finds in a time line.
steps_of() {
	printf '%s\n' "$@" > "$TMP/steps2"
	python3 -c "import importlib.util as u; s = u.spec_from_file_location('r', '$E/report.py'); r = u.module_from_spec(s)
s.loader.exec_module(r); print(sorted(r.parse_steps('$TMP/steps2').items()))"
}
# is GOT WANT: the same string.
is() { [ "$1" == "$2" ] || { echo "got '$1', expected '$2'"; return 1; }; }
check "report: Pacemaker's steps (a failover with STONITH)" is "$(steps_of \
	'   10.7 s  Node alpha state is now lost' \
	"   13.0 s  Operation 'off' targeting alpha by beta for pacemaker-controld.287@beta: OK (complete)" \
	'   17.0 s  Result of promote operation for r0 on beta: ok' \
	'   21.5 s  Result of start operation for fs on beta: ok' \
	'   24.4 s  Result of start operation for db on beta: ok' \
	'   27.9 s  Result of start operation for ip on beta: ok')" \
	"[('address_up', 27.9), ('database_up', 24.4), ('detected', 10.7), ('fenced', 13.0), ('mounted', 21.5), ('promoted', 17.0)]"
check "report: Heartbeat's steps (its resource scripts run in turn; each start ends the step before)" is "$(steps_of \
	'   10.0 s  node alpha: is dead' '   15.0 s  Running tandemdisk r0 start' \
	'   20.0 s  Running Filesystem /dev/tandem0 /var/lib/mysql ext4 start' '   26.0 s  Running tandem-db  start' \
	'   35.0 s  Running IPaddr2 10.0.0.100/24/eth0 start')" \
	"[('database_up', 35.0), ('detected', 10.0), ('mounted', 26.0), ('promoted', 20.0)]"
check "report: keepalived's steps on the node that hands over" is "$(steps_of \
	'    0.1 s  stop: stepping down' '    0.5 s  stop: service stopped' \
	'    0.6 s  stop: unmounted /var/lib/mysql' '    0.7 s  stop: secondary')" \
	"[('old_secondary', 0.7), ('old_service_stopped', 0.5), ('old_stepping_down', 0.1), ('old_unmounted', 0.6)]"
mkdir -p "$TMP/exp"
cp "$TMP/run.json" "$TMP/exp/failover-10-1.json"
sed 's/"rep": 1/"rep": 2/; s/"lost": 1/"lost": 0/' "$TMP/run.json" > "$TMP/exp/failover-10-2.json"
check "report: the table names the paper's figure, and the goals it misses" bash -c \
	"python3 '$E/report.py' table '$TMP/exp' > '$TMP/table' && cat '$TMP/table' &&
	grep -q '^  10/s .* 9 \[9-9\] .* 90.0% .* 1  *1940 (97.0%)  *1836 (91.8%)' '$TMP/table' &&
	grep -q 'NOT met.*failover 10/s: no acknowledged hit lost (1)' '$TMP/table' &&
	grep -q 'NOT met.*failover under 5 s end to end (median 5.8 s)' '$TMP/table' &&
	[ -s '$TMP/exp/results.json' ]"

# browser.py, the experiment's retrying client, against a server on
# loopback that answers 503 to every third request ("hit N" otherwise),
# one that accepts connections and never answers, and a closed port.
cat > "$TMP/srv.py" <<'EOF'
import http.server, itertools, socket
n = itertools.count(1)
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"    # and a body in chunks to an HTTP/1.1 request, as nginx does
    def do_GET(self):
        i = next(n)
        body = b"busy\n" if i % 3 == 0 else f"hit {i}\n".encode()
        self.send_response(503 if i % 3 == 0 else 200)
        if self.request_version == "HTTP/1.1":
            body = b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body)
            self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a): pass
mute = socket.socket()
mute.bind(("127.0.0.1", 0))
mute.listen(64)
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
print(s.server_address[1], mute.getsockname()[1], flush=True)
s.serve_forever()
EOF
python3 "$TMP/srv.py" > "$TMP/ports" &
srv=$!
for _ in $(seq 50); do [ -s "$TMP/ports" ] && break; sleep 0.1; done
read -r port mute < "$TMP/ports"
# expect_browser ARGS -- EXPR VALUE: browser.py ARGS's output (b) gives VALUE.
expect_browser() {
	local args=() got
	while [ "$1" != -- ]; do args+=("$1"); shift; done
	got=$(python3 "$E/browser.py" "${args[@]}" --rate 100 --reload 0.05 |
		python3 -c "import json, re, sys; b = json.load(sys.stdin); print($2)" 2>&1)
	[ "$got" == "$3" ] || { echo "$2: got '$got', expected '$3'"; return 1; }
}
# Every third request overall is a 503: with 30 visits at once, one visit
# may draw several in a row on a loaded host, so it gets 6 tries here.
check "browser: a 503 is reloaded until it answers" expect_browser "http://127.0.0.1:$port/app.php" --conns 30 --retries 5 -- \
	"b['visits'], b['ok'], b['ok_first'] < 30, b['attempts'] - b['ok'] == b['error_kinds']['http 503'], len(set(b['bodies'])), all(re.fullmatch(r'hit \\d+\n', x) for x in b['bodies'])" \
	"30 30 True True 30 True"
check "browser: without retries, what failed is lost" expect_browser "http://127.0.0.1:$port/" --conns 30 --retries 0 -- \
	"b['ok'] == b['ok_first'], b['attempts'], b['ok'] + b['error_kinds']['http 503']" "True 30 30"
check "browser: no answer is a timeout, tried again" expect_browser "http://127.0.0.1:$mute/" --conns 2 --timeout 0.3 -- \
	"b['ok'], b['attempts'], b['error_kinds']" "0 6 {'timeout': 6}"
check "browser: a closed port is refused" expect_browser "http://127.0.0.1:1/" --conns 2 --retries 1 -- \
	"b['ok'], b['error_kinds']" "0 {'refused': 4}"
kill $srv

# The report of a browser run: visits, answered in the end and on the first
# try, and the rows its answers named (hit 9 is missing).
printf '{"visits": 10, "ok": 9, "ok_first": 7, "attempts": 14, "retries": 2, "timeout_s": 30, "reload_s": 1, "error_kinds": {"timeout": 3, "reset": 2}, "bodies": ["hit 1\\n", "hit 2\\n", "hit 9\\nlatest: 9 8\\n", "busy\\n"], "duration_s": 1.5}\n' > "$TMP/browser"
check "report: a browser run's counts" bash -c "python3 '$E/report.py' run --kind failover --rate 10 --rep 1 \
	--browser '$TMP/browser' --rows '$TMP/rows' --steps '$TMP/steps' > '$TMP/exp-b.json' &&
	mkdir -p '$TMP/expb' && cp '$TMP/exp-b.json' '$TMP/expb/failover-10-1.json' &&
	python3 '$E/report.py' table '$TMP/expb' | tee /dev/stderr |
	grep -q '^  10/s  *14  *9  *1  *90.0%  *1  *7 '"

echo "tools: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
