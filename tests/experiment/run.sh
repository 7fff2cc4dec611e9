#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make experiment: the failover experiment of the paper tandem comes from,
# on tandem in the two VMs. A PHP page (nginx + PHP-FPM) that commits a row
# to MariaDB on each request is served through the cluster stack's virtual
# IP (STACK=keepalived, the default, heartbeat or pacemaker: scripts/vm/ha.sh);
# MariaDB's datadir is an ext4 on /dev/tandem0 (sync). httperf, in a network
# namespace bridged to both VMs' service NICs (two clients at RATE/2 each),
# opens CONNS connections at each RATE; halfway through a run alpha (the
# master) loses power (its qemu is SIGKILLed) and beta takes over: the
# failover run. alpha then boots, resyncs, and halfway through a second
# run takes the service back (a planned switch-over: keepalived stopped on
# beta, Heartbeat's hb_standby, or Pacemaker's ban): the failback run.
# REPS repetitions of both per rate. httperf does not retry: a request in
# flight on the dead master times out (TIMEOUT s); one sent while no node
# holds the address is retried by TCP's own SYN retransmissions; the page
# waits up to 25 s for its database while it moves. With CLIENT=browser,
# the load is browser.py's instead: the same connections at the same rate,
# but a failed one (no full answer within TIMEOUT s, refused, reset, not
# 200) is tried again RELOAD s later, as a user reloads a page, up to
# RETRIES times.
#   RATES="10 20 30 40 50"  REPS=5  CONNS=2000  TIMEOUT=30
#   CLIENT=httperf  (or browser: RETRIES=2 RELOAD=1)
#   HOSTLOAD=N  N processes loading this host beside the VMs, the whole time
#               (scripts/vm/hostload.sh mix: the paper's virtual servers)
# Results: build/experiment/results.json, results.png, the tables on stdout
# (build/experiment-browser/ with CLIENT=browser; -STACK after it for the
# stacks other than keepalived; -hostloadN after that with HOSTLOAD).
set -euo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
RATES=${RATES:-10 20 30 40 50}
REPS=${REPS:-5}
CONNS=${CONNS:-2000}
TIMEOUT=${TIMEOUT:-30}
CLIENT=${CLIENT:-httperf}
RETRIES=${RETRIES:-2}
RELOAD=${RELOAD:-1}
case $CLIENT in httperf | browser) ;; *) echo "experiment: CLIENT is httperf or browser" >&2; exit 2 ;; esac
STACK=${STACK:-keepalived}
HOSTLOAD=${HOSTLOAD:-0}
OUT=${TDM_BUILD:-$TOP/build}/experiment$([ "$CLIENT" = httperf ] || echo "-$CLIENT")$([ "$STACK" = keepalived ] || echo "-$STACK")$([ "$HOSTLOAD" = 0 ] || echo "-hostload$HOSTLOAD")
NS=tdm-exp
CLIENT_IP=10.0.0.200
export TDM_SVC_NETNS=$NS
. "$TOP/scripts/vm/ha.sh"
WEB=$TOP/tests/experiment/web.sh

say() { printf '[%4ds] %s\n' $SECONDS "$*" >&2; }
in_ns() { ip netns exec $NS "$@"; }

# The client's side of the service network: a bridge in namespace NS with
# the VMs' tap devices and the client's address.
netns_up() {
	local vm
	ip netns del $NS 2>/dev/null || true
	ip netns add $NS
	ip -n $NS link set lo up
	ip -n $NS link add br0 type bridge
	for vm in alpha beta; do
		ip -n $NS tuntap add dev tdm-$vm mode tap
		ip -n $NS link set tdm-$vm master br0 up
	done
	ip -n $NS addr add $CLIENT_IP/24 dev br0
	ip -n $NS link set br0 up
}
LOAD_PID=
cleanup() {
	[ -z "$LOAD_PID" ] || kill "$LOAD_PID" 2>/dev/null || true
	[ -z "$FENCER_PID" ] || kill "$FENCER_PID" 2>/dev/null || true
	"$PAIR" stop || true
	ip netns del $NS 2>/dev/null || true
}
trap cleanup EXIT

# mark VM...: each VM's clock now, in its /tmp/t0 (its log is read against it).
mark() { local vm; for vm in "$@"; do on "$vm" 'date +%s.%N > /tmp/t0'; done; }

# steps VM: the stack's steps on VM since its mark, "seconds s message".
steps() { on "$1" "$(stack_timeline)"; }

# probe: a request every 0.2 s (each waiting up to 60 s) until one is
# answered 200; prints that answer's arrival, host clock. Started once the
# address has left the old master (killed, or its keepalived stopped).
probe() {
	in_ns bash -c 'd=$(mktemp -d); end=$((SECONDS + 120))
	while [ ! -s $d/ok ] && [ $SECONDS -lt $end ]; do
		( [ "$(curl -s -o /dev/null -w "%{http_code}" -m 60 http://'$VIP'/app.php)" = 200 ] && echo $EPOCHREALTIME >> $d/ok ) &
		sleep 0.2
	done
	pkill -f "^curl .*'$VIP'/app.php" ; wait; sort -n $d/ok | head -n1; rm -rf $d'
}

# load_start RUN RATE: the load, in the background, at nice 19 (httperf
# spins on its CPU between events: it takes what the VMs' emulation leaves,
# not half of a two-core machine). httperf: two clients at RATE/2 each (one
# alone stops at 1024 open connections, its select()'s limit, while the
# service moves), their outputs in RUN.httperf.0 and .1. browser: browser.py,
# its output in RUN.browser.
load_start() {
	local i
	LOAD=()
	if [ "$CLIENT" = browser ]; then
		client /usr/bin/python3 "$TOP/tests/experiment/browser.py" "http://$VIP/app.php" --rate "$2" \
			--conns "$CONNS" --timeout "$TIMEOUT" --retries "$RETRIES" --reload "$RELOAD" > "$1.browser" &
		LOAD+=($!)
		return
	fi
	for i in 0 1; do
		client httperf --hog --server "$VIP" --uri /app.php --num-conns $((CONNS / 2)) \
			--rate "$(echo "$2 / 2" | bc -l)" --timeout "$TIMEOUT" --print-reply=body > "$1.httperf.$i" 2>&1 &
		LOAD+=($!)
	done
}

# client CMD...: CMD in the client's namespace, at nice 19, with as many
# open files as it may have.
client() { in_ns bash -c 'ulimit -n "$(ulimit -Hn)" && exec nice -n 19 "$@"' client "$@"; }

# The runs set T_EVENT: the host's clock when alpha was killed, or when
# the switch-over began.
# finish RUN KIND RATE REP SURVIVOR: wait for the load and the probe,
# then write RUN.json: the client's counts, the steps of the move, and how
# many of the hits answered 200 are missing from the database now; what
# SURVIVOR's tandem, keepalived and MariaDB logged in RUN.diag.
finish() {
	local run=$1 up="" load
	wait "${LOAD[@]}" || true
	up=$(cat "$run.probe")
	diagnose "$5" > "$run.diag"
	if ! on "$5" "$DB rows hits" > "$run.rows"; then
		echo "experiment: cannot count the rows on $5; what it says ($run.diag):" >&2
		cat "$run.diag" >&2
		return 1
	fi
	load=(--httperf "$run".httperf.*)
	[ "$CLIENT" = httperf ] || load=(--browser "$run.browser")
	/usr/bin/python3 "$TOP/tests/experiment/report.py" run --kind "$2" --rate "$3" --rep "$4" \
		--event "$T_EVENT" --up "$up" "${load[@]}" --rows "$run.rows" \
		--steps "$run.steps" --resync "$(cat "$run.resync" 2>/dev/null || echo)" > "$run.json"
	/usr/bin/python3 "$TOP/tests/experiment/report.py" line "$run.json" >&2
}

# alpha_back FILE: alpha boots again, resyncs what beta wrote, and stands by.
alpha_back() {
	"$PAIR" restart alpha
	configure alpha 100
	on alpha "tandemctl up r0 >/dev/null && $WEB start"
	stack_start alpha
	on alpha 'tandemctl wait-sync r0 --timeout 900 >/dev/null &&
		dmesg | grep -o "resync done: [0-9]* MiB" | tail -n1 | cut -d" " -f3' > "$1"
	wait_for alpha "standing by" "$(stack_standing_by)" 120
}

failover() {
	local run=$1 rate=$2
	load_start "$run" "$rate"
	sleep "$(echo "$CONNS / 2 / $rate" | bc -l)"
	mark beta
	T_EVENT=$EPOCHREALTIME
	"$PAIR" kill alpha
	probe > "$run.probe"
	wait_for beta "the takeover" "$(stack_serving)" 180
	steps beta > "$run.steps"
	say "  beta took over: $(tr -s ' ' < "$run.steps" | tr '\n' ';')"
}

# The switch-over runs beside the probe, which starts once the address has
# left beta (before that, beta still answers).
failback() {
	local run=$1 rate=$2 handback
	load_start "$run" "$rate"
	sleep "$(echo "$CONNS / 2 / $rate" | bc -l)"
	mark alpha beta
	T_EVENT=$EPOCHREALTIME
	stack_handback beta > "$run.handback" 2>&1 &
	handback=$!
	wait_for beta "the address to leave" "! ip -4 addr show eth0 | grep -q ' $VIP/'" 120
	probe > "$run.probe"
	wait $handback
	wait_for alpha "the failback" "$(stack_serving)" 180
	{ steps beta; steps alpha; } > "$run.steps"
	stack_rejoin beta
	say "  alpha took over: $(tr -s ' ' < "$run.steps" | tr '\n' ';')"
}

bash "$TOP/scripts/setup.sh" experiment
rm -rf "$OUT"
mkdir -p "$OUT"
say "booting alpha and beta, their service NICs bridged with the client ($CLIENT_IP) in namespace $NS"
netns_up
"$PAIR" start
configure alpha 100
configure beta 90
say "tandem r0 (sync), MariaDB on alpha, $STACK on both, the web tier on both"
fresh_pair
on alpha "mariadb -h $VIP -u app -papp app -e 'CREATE TABLE hits (id INT AUTO_INCREMENT PRIMARY KEY, at TIMESTAMP(6) DEFAULT CURRENT_TIMESTAMP(6)) ENGINE=InnoDB'"
for vm in alpha beta; do on $vm "$WEB start"; done
in_ns curl -sf -m 30 http://$VIP/app.php >/dev/null || { echo "experiment: the page does not answer" >&2; exit 1; }
if [ "$HOSTLOAD" -gt 0 ]; then
	say "loading this host: $HOSTLOAD processes beside the VMs ($(nproc) cores), until the end"
	"$TOP/scripts/vm/hostload.sh" mix "$HOSTLOAD" &
	LOAD_PID=$!
fi

for ((rep = 1; rep <= REPS; rep++)); do
	for rate in $RATES; do
		run=$OUT/failover-$rate-$rep
		say "rep $rep, $rate conn/s: failover run ($CONNS connections, alpha killed halfway)"
		failover "$run" "$rate"
		finish "$run" failover "$rate" "$rep" beta
		say "  alpha comes back and resyncs"
		run=$OUT/failback-$rate-$rep
		alpha_back "$run.resync"
		say "rep $rep, $rate conn/s: failback run (service moved back to alpha halfway)"
		failback "$run" "$rate"
		finish "$run" failback "$rate" "$rep" alpha
	done
done
/usr/bin/python3 "$TOP/tests/experiment/report.py" table "$OUT"
