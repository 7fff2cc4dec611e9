description="events: attach, role, connection, peer, disk, resync, split brain and detach streamed as JSON and text; --now prints the current state first"
groups="replicate resync"
requires="python3"

# Listeners started in the VMs: JSON on both, text on beta.
start_listeners() {
	local vm
	for vm in alpha beta; do
		ok "$vm" 'modprobe tandem && rm -f /tmp/events.* &&
			(nohup tandemctl events --json > /tmp/events.json 2>&1 &) &&
			(nohup tandemctl events r0 > /tmp/events.txt 2>&1 &)'
	done
	# Joining the group is not visible from outside: give them time to start.
	sleep 3
}

# has_event VM EXPR: some line e of VM's JSON stream satisfies the Python EXPR
# (a key EXPR names that an event lacks: not that event). Every line must be
# one JSON object whose keys are snake_case.
has_event() {
	on "$1" 'cat /tmp/events.json' | python3 -c '
import json, re, sys
evs = [json.loads(l) for l in sys.stdin.read().splitlines() if l.strip()]
for e in evs:
    assert isinstance(e, dict) and all(re.fullmatch("[a-z_]+", k) for k in e), e
def match(e):
    try:
        return eval(sys.argv[1], {}, {"e": e})
    except KeyError:
        return False
sys.exit(0 if any(match(e) for e in evs) else 1)' "$2"
}

# wait_event VM EXPR [SECONDS]
wait_event() {
	local vm=$1 expr=$2 secs=${3:-30} i
	for ((i = 0; i < secs; i++)); do
		has_event "$vm" "$expr" && { step "$vm: event $expr"; return 0; }
		sleep 1
	done
	fail "$vm: no event with $expr in ${secs}s" "$(on "$vm" 'cat /tmp/events.json')"
}

run_test() {
	start_listeners
	step "a pair comes up: attach, connection, role, peer and disk events"
	pair_up sync
	wait_event alpha 'e["event"] == "attach" and e["name"] == "r0" and e["disk"] == "/dev/vda" and e["minor"] == 0'
	wait_event alpha 'e["event"] == "connection" and e["connection"] == "connected" and e["protocol"] == "sync"'
	wait_event alpha 'e["event"] == "role" and e["role"] == "primary"'
	wait_event alpha 'e["event"] == "peer" and e["peer_role"] == "secondary" and e["peer_disk_state"] == "uptodate"'
	wait_event beta 'e["event"] == "peer" and e["peer_role"] == "primary"'
	wait_event beta 'e["event"] == "disk" and e["disk_state"] == "uptodate"'

	step "beta misses 8 MiB: resync events on both sides"
	ok beta 'tandemctl disconnect r0'
	wait_event alpha 'e["event"] == "connection" and e["connection"] == "connecting" and e.get("peer_disk_state") == "outdated"'
	ok alpha 'dd if=/dev/urandom of=/dev/tandem0 bs=1M count=8 seek=20 oflag=direct status=none'
	connect_res beta
	ok alpha 'tandemctl wait-sync r0 --timeout 120'
	wait_event alpha 'e["event"] == "sync" and e["sync"] == "source" and e["out_of_sync"] > 0'
	wait_event beta 'e["event"] == "sync" and e["sync"] == "target"'
	wait_event alpha 'e["event"] == "sync" and e["sync"] == "none" and e["out_of_sync"] == 0'
	wait_event beta 'e["event"] == "sync" and e["sync"] == "none" and e["disk_state"] == "uptodate"'

	step "split brain: both write alone, then reconnect; reported on both sides"
	ok beta 'tandemctl disconnect r0'
	ok alpha 'tandemctl disconnect r0 && dd if=/dev/urandom of=/dev/tandem0 bs=4k count=4 seek=10 oflag=direct status=none'
	ok beta 'tandemctl primary r0 --force && dd if=/dev/urandom of=/dev/tandem0 bs=4k count=4 seek=90 oflag=direct status=none &&
		tandemctl secondary r0'
	connect_res alpha
	connect_res beta
	for vm in alpha beta; do
		wait_event "$vm" 'e["event"] == "split_brain" and e["name"] == "r0"'
		wait_event "$vm" 'e["event"] == "connection" and e["connection"] == "standalone" and "split brain" in e.get("last_error", "")'
	done
	on beta 'cat /tmp/events.txt' | grep -q '^event:split_brain name:r0 minor:0 ' ||
		fail "beta's text stream has no split brain line" "$(on beta 'cat /tmp/events.txt')"

	step "--now: the current state first, as an exists event"
	OUT=$(on alpha 'timeout -s INT 5 tandemctl events r0 --now --json; true')
	python3 -c '
import json, sys
e = json.loads(sys.stdin.readline())
assert e["event"] == "exists" and e["name"] == "r0" and e["role"] == "primary", e
assert e["connection"] == "standalone" and e["disk_state"] == "uptodate", e' <<<"$OUT" ||
		fail "events --now should start with the current state" "$OUT"

	step "detach: role and detach events"
	ok alpha 'tandemctl disconnect r0 && tandemctl secondary r0 && tandemctl detach r0'
	wait_event alpha 'e["event"] == "role" and e["role"] == "secondary"'
	wait_event alpha 'e == {"event": "detach", "name": "r0"}'
	for vm in alpha beta; do
		on "$vm" 'pkill -f "tandemctl events"; true' >/dev/null
	done
}
