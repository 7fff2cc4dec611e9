#!/usr/bin/env bash
# tandem benchmark: the same fio jobs on alpha's raw backing disk, on tandem
# async and on tandem sync (replicating to beta over the VMs' link), printed
# as one table with the ratio to raw. Figures, not pass/fail.
#   RUNTIME=10 (seconds per job)
set -uo pipefail
TDM_TOP=$(cd "$(dirname "$0")/../.." && pwd)
TDM_BUILD=${TDM_BUILD:-$TDM_TOP/build}
export TDM_TOP TDM_BUILD
. "$TDM_TOP/tests/vm/lib.sh"
RUNTIME=${RUNTIME:-10}
OUTDIR=$TDM_BUILD/bench
mkdir -p "$OUTDIR"

# fio job lines: name, options
JOBS=(
	"seq-1m-qd8|--rw=write --bs=1m --iodepth=8"
	"rand-4k-qd1|--rw=randwrite --bs=4k --iodepth=1"
	"rand-4k-qd32|--rw=randwrite --bs=4k --iodepth=32"
)

run_jobs() {
	local config=$1 dev=$2 j name opts
	for j in "${JOBS[@]}"; do
		name=${j%%|*}
		opts=${j#*|}
		on alpha "fio --name=$name --filename=$dev --direct=1 --ioengine=libaio $opts \
			--size=512m --time_based --runtime=$RUNTIME --ramp_time=2 \
			--output-format=json" > "$OUTDIR/$config-$name.json" ||
			{ echo "bench: fio failed for $config $name" >&2; return 1; }
		echo "  $config $name done" >&2
	done
}

"$PAIR" start || exit 1
trap '"$PAIR" stop' EXIT
ok() { OUT=$(on "$1" "$2" 2>&1) || { echo "bench: $1: $2: $OUT" >&2; exit 1; }; }
fail() { echo "bench: $1" >&2; [ -z "${2:-}" ] || echo "$2" >&2; exit 1; }

echo "raw backing disk" >&2
ok alpha 'blkdiscard -f /dev/vda >/dev/null'
run_jobs raw /dev/vda || exit 1
for proto in async sync; do
	echo "tandem $proto" >&2
	pair_up "$proto"
	run_jobs "$proto" /dev/tandem0 || exit 1
	for vm in alpha beta; do on "$vm" 'tandemctl disconnect r0; tandemctl detach r0' >/dev/null; done
done

python3 - "$OUTDIR" <<'PY'
import json, sys
d = sys.argv[1]
jobs = ["seq-1m-qd8", "rand-4k-qd1", "rand-4k-qd32"]
def load(cfg, job):
    w = json.load(open(f"{d}/{cfg}-{job}.json"))["jobs"][0]["write"]
    return w["bw_bytes"] / 1e6, w["iops"], w["clat_ns"]["mean"] / 1e6, \
        w["clat_ns"]["percentile"].get("99.000000", 0) / 1e6
print(f"{'job':<14}{'config':<8}{'MB/s':>9}{'IOPS':>9}{'mean ms':>9}{'p99 ms':>9}{'vs raw':>8}")
for job in jobs:
    raw = load("raw", job)
    for cfg in ["raw", "async", "sync"]:
        mb, iops, mean, p99 = load(cfg, job)
        print(f"{job:<14}{cfg:<8}{mb:9.1f}{iops:9.0f}{mean:9.2f}{p99:9.2f}{iops / raw[1]:8.2f}")
PY
