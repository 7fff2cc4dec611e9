description="a resource whose disk path and handler paths are at their longest (a disk path of 4000 bytes, five handlers of 255): status of it, status of every resource (the one after it too), text and JSON, and its events are all there (the longest status still fits a message)"
groups="basic quick"
requires="python3"

run_test() {
	local long
	step "r0 on /dev/vda reached by a 4000-byte path, with five 255-byte handler paths; r1 on /dev/vdb"
	ok alpha 'modprobe tandem && d=/tmp/long && for i in $(seq 16); do d=$d/$(printf "%0245d" $i); done &&
		mkdir -p "$d" && mknod "$d/disk" b $(stat -L -c "%Hr %Lr" /dev/vda) &&
		h=/tmp/$(printf "h%.0s" $(seq 250)) && printf "#!/bin/sh\nexit 0\n" > "$h" && chmod +x "$h" &&
		echo "$d/disk" > /tmp/long-disk && echo "$h" > /tmp/long-handler && echo ${#d} ${#h}'
	read -r dlen hlen <<<"$OUT"
	[ $((dlen + 5)) -ge 3900 ] && [ "$hlen" -eq 255 ] || fail "paths of $dlen and $hlen bytes: too short to test anything"
	# Joining the events group is not visible from outside: give it time to start.
	ok alpha '(nohup tandemctl events --json > /tmp/events.json 2>&1 &)'
	sleep 3
	ok alpha 'd=$(cat /tmp/long-disk) h=$(cat /tmp/long-handler)
		tandemctl create-md r0 --disk "$d" --force >/dev/null && tandemctl create-md r1 --disk /dev/vdb --force >/dev/null &&
		tandemctl attach r0 --minor 0 --disk "$d" --handler split-brain="$h" --handler out-of-sync="$h" \
			--handler local-io-error="$h" --handler before-resync-target="$h" \
			--handler after-resync-target="$h" &&
		tandemctl attach r1 --minor 1 --disk /dev/vdb'
	sleep 2
	ok alpha 'tandemctl primary r0 --force'

	step "status of r0 alone: its disk's path and its handlers, JSON and text"
	ok alpha 'tandemctl status r0 --json'
	python3 -c 'import json, sys; s = json.loads(sys.argv[1]); assert len(s["disk"]) >= 3900 and len(s["handlers"]) == 5, s' "$OUT" ||
		fail "status r0 lacks the long paths" "${OUT:0:300}"
	ok alpha 'tandemctl status r0 -v | grep -c "^ *handler "'
	expect_eq "$OUT" 5 "handlers in status r0 -v"

	step "status of every resource: r0 and r1, JSON and text"
	ok alpha 'tandemctl status --json'
	python3 -c 'import json, sys; s = json.loads(sys.argv[1]); assert [r["name"] for r in s] == ["r0", "r1"], s' "$OUT" ||
		fail "status of every resource should list r0 and r1" "${OUT:0:300}"
	ok alpha 'tandemctl status'
	grep -q '^r1' <<<"$OUT" || fail "status (text) should list r1 after r0" "${OUT:0:300}"

	step "r0's events carry it: attach and role"
	ok alpha 'python3 -c "
import json
evs = [json.loads(l) for l in open(\"/tmp/events.json\") if l.strip()]
kinds = [e[\"event\"] for e in evs if e.get(\"name\") == \"r0\"]
print(kinds)
assert \"attach\" in kinds and \"role\" in kinds, kinds
"'
}
