#!/usr/bin/env bash
# The demo: boot the two VMs and show /dev/tandem0 at work on alpha.
# Run through `make demo`, which builds everything first.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
PAIR=$TOP/scripts/vm/pair.sh
T0=$SECONDS

say() { printf '\n\033[1m[%3ds] %s\033[0m\n' $((SECONDS - T0)) "$*"; }
# show VM CMD: print the command as typed in the VM, then its output.
show() {
	printf '%s# %s\n' "$1" "$2"
	"$PAIR" run "$1" "$2" | sed 's/^/    /'
}
trap '"$PAIR" stop' EXIT

say "booting alpha and beta (Debian's kernel under qemu, software emulation)"
"$PAIR" start

say "load the module and attach /dev/vda as resource r0"
show alpha 'modprobe tandem && lsmod | grep tandem'
show alpha 'tandemctl attach r0 --minor 0 --disk /dev/vda'
show alpha 'lsblk /dev/vda'

say "make a filesystem on /dev/tandem0, mount it, write files"
show alpha 'mkfs.ext4 -q -F /dev/tandem0 && mkdir -p /mnt/data && mount /dev/tandem0 /mnt/data && df -h /mnt/data'
show alpha 'cp -a /usr/share/doc/fio /mnt/data/ && head -c 32M /dev/urandom > /mnt/data/blob && sync'
show alpha 'cd /mnt/data && find . -type f | sort | xargs sha256sum > /tmp/sums && wc -l /tmp/sums && sha256sum blob'
show alpha 'tandemctl status r0'

say "unmount, detach, attach again, and read everything back"
show alpha 'umount /mnt/data && tandemctl detach r0 && tandemctl status'
show alpha 'tandemctl attach r0 --minor 0 --disk /dev/vda && mount /dev/tandem0 /mnt/data'
show alpha 'cd /mnt/data && sha256sum --quiet -c /tmp/sums && echo "all $(wc -l < /tmp/sums) files read back intact"'
show alpha 'tandemctl status r0 --json'
show alpha 'umount /mnt/data && tandemctl detach r0 && rmmod tandem && echo "module unloaded, nothing left: $(ls /dev | grep -c tandem) device nodes"'

say "done"
