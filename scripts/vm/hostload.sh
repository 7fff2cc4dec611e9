#!/usr/bin/env bash
# hostload.sh KIND N [SECONDS]: load this host with N processes of KIND for
# SECONDS (default: until killed), as the VMs' neighbours on a busy host.
#   cpu   a busy loop each;
#   mem   each touches a 512 MiB buffer page by page, over and over (the
#         CPU's caches and TLB thrashed, as a memory-hungry fuzzer does);
#   mix   cpu and mem alternately, cpu first.
# Used by test 052 and by `make demo HOSTLOAD=N` and `make experiment HOSTLOAD=N`.
set -euo pipefail
kind=$1 n=$2 secs=${3:-0}
MEM='b = bytearray(512 << 20)
while True:
    for i in range(0, len(b), 4096):
        b[i] = (b[i] + 1) & 255'
trap 'kill $(jobs -p) 2>/dev/null || true' EXIT
trap 'exit 143' TERM INT
for ((i = 0; i < n; i++)); do
	k=$kind
	[ "$kind" != mix ] || k=$([ $((i % 2)) -eq 0 ] && echo cpu || echo mem)
	case $k in
	cpu) timeout "$secs" bash -c 'while :; do :; done' & ;;
	mem) timeout "$secs" python3 -c "$MEM" & ;;
	*) echo "hostload.sh: KIND is cpu, mem or mix" >&2; exit 2 ;;
	esac
done
wait
