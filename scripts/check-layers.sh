#!/usr/bin/env bash
# kmod/ is built in layers, top down: control, device, replication,
# transport, metadata, base; then the pure-C core. Each has one header.
# A file may include, and call what is declared in, its own layer's header
# and those below; never one above. tandem.h (the shared types) and core/
# are below everything. Run by `make lint`; prints each breach, fails on any.
set -euo pipefail
cd "$(dirname "$0")/../kmod"

LAYERS=(control device replication transport metadata base)
declare -A FILE_LAYER=(
	[main.c]=control [netlink.c]=control
	[device.c]=device [inflight.c]=device [role.c]=device
	[conn.c]=replication [replication.c]=replication [sender.c]=replication
	[receiver.c]=replication [resync.c]=replication [verify.c]=replication [resize.c]=replication
	[auth.c]=replication [handshake.c]=replication [fence.c]=replication
	[transport.c]=transport
	[md.c]=metadata [gen.c]=metadata [bitmap.c]=metadata [actlog.c]=metadata
	[events.c]=base [handler.c]=base [pages.c]=base [diskwatch.c]=base
)

rank() {
	local i
	for i in "${!LAYERS[@]}"; do
		[ "${LAYERS[$i]}" != "$1" ] || { echo "$i"; return; }
	done
	echo "check-layers: unknown layer $1" >&2
	exit 2
}

# Functions and variables each layer's header declares (top-level lines).
declare -A DECL_LAYER=()
for l in "${LAYERS[@]}"; do
	for name in $(grep -oE '^[a-z][^;(]*\b(tdm_[a-z0-9_]+) *[(;]' "$l.h" |
		      grep -oE 'tdm_[a-z0-9_]+ *[(;]$' | tr -d '(; '); do
		DECL_LAYER[$name]=$l
	done
done

bad=0
for f in *.c; do
	[[ $f != *.mod.c ]] || continue
	l=${FILE_LAYER[$f]:-}
	if [ -z "$l" ]; then
		echo "check-layers: kmod/$f has no layer: add it to scripts/check-layers.sh"
		bad=1
		continue
	fi
	r=$(rank "$l")
	for h in $(grep -oE '^#include "[a-z]+\.h"' "$f" | cut -d'"' -f2); do
		hl=${h%.h}
		[[ " ${LAYERS[*]} " == *" $hl "* ]] || continue
		if [ "$(rank "$hl")" -lt "$r" ]; then
			echo "check-layers: kmod/$f ($l) includes $h, a layer above it"
			bad=1
		fi
	done
	# Identifiers used outside comments.
	for name in $(sed -e 's://.*$::' "$f" | perl -0pe 's:/\*.*?\*/::gs' |
		      grep -oE '\btdm_[a-z0-9_]+\b' | sort -u); do
		dl=${DECL_LAYER[$name]:-}
		[ -n "$dl" ] || continue
		if [ "$(rank "$dl")" -lt "$r" ]; then
			echo "check-layers: kmod/$f ($l) uses $name from $dl.h, a layer above it"
			bad=1
		fi
	done
done
for h in "${LAYERS[@]}"; do
	r=$(rank "$h")
	for inc in $(grep -oE '^#include "[a-z]+\.h"' "$h.h" | cut -d'"' -f2); do
		il=${inc%.h}
		[[ " ${LAYERS[*]} " == *" $il "* ]] || continue
		if [ "$(rank "$il")" -lt "$r" ]; then
			echo "check-layers: kmod/$h.h includes $inc, a layer above it"
			bad=1
		fi
	done
done
[ $bad -eq 0 ] && echo "check-layers: no file reaches a layer above its own"
exit $bad
