#!/usr/bin/env bash
# The VMs' debug kernel (lockdep, KASAN, kmemleak, debug objects), built from
# Debian's linux-source-6.1 with x86_64 defconfig + kvm_guest.config +
# scripts/vm/debug.config, once per machine: it is cached outside the clone
# (tdm_debug_kernel_dir in common.sh: keyed by the source's version and a hash
# of the fragment), so a clean checkout or CI reuses it.
#   debug-kernel.sh build    build it unless cached; print its directory
#   debug-kernel.sh module   build tandem.ko against it, from a copy of the
#                            sources in $TDM_BUILD/debug-module (never the
#                            tree's kmod/, which holds the stock kernel's)
# The directory: vmlinuz, release, modules/lib/modules/<release>/, src/ (the
# built tree, KDIR for modules), build.log, build-seconds, done.
set -euo pipefail
. "$(dirname "$0")/common.sh"

# The boot-time self-test of RCU-tasks (PROVE_RCU, which PROVE_LOCKING
# selects) waits for grace periods from rcu_init_tasks_generic(), before
# ksoftirqd and the second CPU exist; under emulation a boot hung there now
# and then, its console ending at "Running RCU-tasks wait API self tests".
# Started from a core initcall instead (after SMP bring-up and ksoftirqd),
# as PREEMPT_RT's "rcu: Delay RCU-selftests" does; its late_initcall check
# is unchanged. In the source tree (cwd); fails if the text is not there.
patch_rcu_tasks_selftest() {
	local f=kernel/rcu/tasks.h
	grep -q '^	// Run the self-tests.$' "$f" && grep -q '^	rcu_tasks_initiate_self_tests();$' "$f" || {
		echo "debug-kernel: $f is not as expected: cannot move the RCU-tasks self-test" >&2
		return 1
	}
	sed -i -e '/^	\/\/ Run the self-tests.$/d' -e '/^	rcu_tasks_initiate_self_tests();$/d' "$f"
	cat >> "$f" <<'EOF'

#ifdef CONFIG_TASKS_RCU_GENERIC
/* tandem's debug kernel: the self-tests once ksoftirqd and all CPUs run. */
static int __init rcu_tasks_self_tests_later(void)
{
	rcu_tasks_initiate_self_tests();
	return 0;
}
core_initcall(rcu_tasks_self_tests_later);
#endif
EOF
}

build_kernel() {
	local dir src frag missing l s t0 secs
	dir=$(tdm_debug_kernel_dir)
	src=$dir/src
	frag=$TDM_TOP/scripts/vm/debug.config
	mkdir -p "${dir%/*}"
	# One build at a time per machine; a second caller waits and reuses it.
	exec 8> "$dir.lock"
	flock 8
	if [ -e "$dir/done" ]; then
		echo "$dir"
		return 0
	fi
	# A build without "done" was interrupted: start again.
	rm -rf "$dir"
	local iv sv
	iv=$(dpkg-query -W -f='${Version}' linux-image-amd64 2>/dev/null || true)
	sv=$(dpkg-query -W -f='${Version}' linux-source-6.1)
	[ "$iv" == "$sv" ] || echo "debug-kernel: note: linux-source-6.1 is $sv, the VMs' linux-image-amd64 is ${iv:-absent}" >&2
	# From the tarball each time: a copy of another build's tree would not
	# save much (objtool records its absolute path: everything is rebuilt).
	echo "debug-kernel: building in $dir (nice 19; log: build.log there)" >&2
	t0=$SECONDS
	mkdir -p "$src"
	tar -xJf /usr/src/linux-source-6.1.tar.xz -C "$src" --strip-components=1
	cd "$src"
	patch_rcu_tasks_selftest
	{
		make defconfig
		scripts/kconfig/merge_config.sh -m .config kernel/configs/kvm_guest.config "$frag"
		make olddefconfig
	} > "$dir/build.log" 2>&1
	# merge_config only warns when a value does not stick (a dependency
	# missing, a typo): here that is an error.
	missing=()
	while read -r l; do
		grep -qxF "$l" .config || missing+=("$l")
	done < <(grep -E '^CONFIG_[A-Z0-9_]+=' "$frag")
	for s in $(sed -n 's/^# \(CONFIG_[A-Z0-9_]*\) is not set$/\1/p' "$frag"); do
		! grep -q "^$s=" .config || missing+=("# $s is not set")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		printf 'debug-kernel: not in the resulting .config: %s\n' "${missing[@]}" >&2
		return 1
	fi
	# The other developer's VMs share these cores: build at the lowest priority.
	if ! nice -n 19 make -j"$(nproc)" >> "$dir/build.log" 2>&1; then
		tail -n 30 "$dir/build.log" >&2
		echo "debug-kernel: build failed; full log: $dir/build.log" >&2
		return 1
	fi
	nice -n 19 make -s modules_install INSTALL_MOD_PATH="$dir/modules" >> "$dir/build.log" 2>&1
	cp arch/x86/boot/bzImage "$dir/vmlinuz"
	make -s kernelrelease > "$dir/release"
	secs=$((SECONDS - t0))
	echo "$secs" > "$dir/build-seconds"
	touch "$dir/done"
	printf 'debug-kernel: %s built in %d min %d s\n' "$(cat "$dir/release")" $((secs / 60)) $((secs % 60)) >&2
	# Each build is 2.2 GB: keep this one and the one before it.
	ls -td "${dir%/*}"/*/done | tail -n +3 | while read -r l; do rm -rf "${l%/done}" "${l%/done}.lock"; done
	echo "$dir"
}

# tandem.ko for the debug kernel: the module sources copied (rsync keeps
# their times, so an unchanged file is not rebuilt) to $TDM_BUILD/debug-module.
build_module() {
	local dir out
	dir=$(tdm_debug_kernel_dir)
	[ -e "$dir/done" ] || { echo "debug-kernel: not built yet: run make debug-kernel" >&2; return 1; }
	out=$TDM_BUILD/debug-module
	mkdir -p "$out"
	rsync -a --delete --exclude '*.o' --exclude '*.ko' --exclude '.*.cmd' --exclude '*.mod' \
		--exclude '*.mod.c' --exclude modules.order --exclude Module.symvers \
		"$TDM_TOP/Kbuild" "$TDM_TOP/kmod" "$TDM_TOP/include" "$out/src/"
	# -g: line numbers for a splat's tandem frames (scripts/faddr2line).
	make -s -C "$dir/src" M="$out/src" KCFLAGS=-g modules >&2
	echo "$out/src/kmod/tandem.ko"
}

case ${1:-} in
build) build_kernel ;;
module) build_module ;;
*) echo "usage: $0 build|module" >&2; exit 2 ;;
esac
