#!/usr/bin/env bash
# The demo: two VMs, alpha and beta; /dev/tandem0 on alpha replicated in sync
# mode to beta over their private link; files written on alpha read back on
# beta after a switchover. Run through `make demo`, which builds everything.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
PAIR=$TOP/scripts/vm/pair.sh
T0=$SECONDS
STEP_T=$SECONDS

say() {
	printf '\n\033[1m[%3ds] %s\033[0m (previous step: %ds)\n' $((SECONDS - T0)) "$*" $((SECONDS - STEP_T))
	STEP_T=$SECONDS
}
# show VM CMD: print the command as typed in the VM, then its output.
show() {
	printf '%s# %s\n' "$1" "$2"
	"$PAIR" run "$1" "$2" | sed 's/^/    /'
}
trap '"$PAIR" stop' EXIT

say "booting alpha and beta (Debian's kernel under qemu, software emulation)"
"$PAIR" start

say "on both: write tandem's metadata on the (zeroed) disk /dev/vda, load tandem, attach it as r0"
for vm in alpha beta; do
	show $vm 'blkdiscard -f /dev/vda >/dev/null && tandemctl create-md r0 --disk /dev/vda && modprobe tandem && tandemctl attach r0 --minor 0 --disk /dev/vda'
done

say "connect over the replication link (eth1), sync mode; beta's zeroed disk is declared identical"
show alpha 'tandemctl connect r0 --local 10.99.0.1:7789 --peer 10.99.0.2:7789 --protocol sync'
show beta 'tandemctl connect r0 --local 10.99.0.2:7789 --peer 10.99.0.1:7789 --protocol sync --assume-clean'
show alpha 'for i in $(seq 40); do tandemctl status r0 | grep -q connection:connected && break; sleep 0.25; done; tandemctl status r0'

say "alpha becomes primary (its data is the authority); mkfs, mount, write files"
show alpha 'tandemctl primary r0 --force'
show alpha 'mkfs.ext4 -q -F /dev/tandem0 && mkdir -p /mnt/data && mount /dev/tandem0 /mnt/data'
show alpha 'cp -a /usr/share/doc/fio /mnt/data/ && head -c 32M /dev/urandom > /mnt/data/blob && sync'
show alpha 'cd /mnt/data && find . -type f | sort | xargs sha256sum > /tmp/sums && wc -l < /tmp/sums && sha256sum blob'
show alpha 'tandemctl status r0'

say "beta, the secondary, cannot be opened: its data is alpha's to change"
show beta 'mount /dev/tandem0 /mnt 2>&1 || true; tandemctl status r0'

say "beta goes away; alpha keeps writing alone and its bitmap records what beta misses"
show beta 'tandemctl disconnect r0'
show alpha 'head -c 48M /dev/urandom > /mnt/data/blob2 && sync && tandemctl status r0'

say "beta comes back: only the blocks alpha changed are resynced"
show beta 'tandemctl connect r0 --local 10.99.0.2:7789 --peer 10.99.0.1:7789 --protocol sync'
show alpha 'sleep 1; tandemctl status r0; tandemctl wait-sync r0 --timeout 120 && dmesg | grep -E "resync (to|done)" | tail -n 2'
show alpha 'cd /mnt/data && find . -type f | sort | xargs sha256sum > /tmp/sums'

say "switch over: alpha unmounts and steps down, beta becomes primary and mounts"
show alpha 'umount /mnt/data && tandemctl secondary r0'
show beta 'sleep 0.5; tandemctl primary r0 && mkdir -p /mnt/data && mount /dev/tandem0 /mnt/data && ls /mnt/data'
SUMS=$("$PAIR" run alpha 'cat /tmp/sums')
show beta "cd /mnt/data && sha256sum --quiet -c <<'EOS' && echo \"all \$(ls -R | wc -l) entries, every checksum matches alpha's\"
$SUMS
EOS"
show beta 'tandemctl status r0'

say "done: the data written on alpha is served by beta"
