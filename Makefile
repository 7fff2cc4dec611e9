# SPDX-License-Identifier: GPL-2.0
#
#   make                 module (against KDIR) and tools
#   make demo [HOSTLOAD=N] [STACK=keepalived|heartbeat|pacemaker]
#                        the two-VM demo (sets itself up); HOSTLOAD=N beside N
#                        processes loading this host (scripts/vm/hostload.sh);
#                        STACK: the cluster manager that moves the service
#   make check           every test: unit, module lint, VM (sets itself up)
#   make check-unit      unit tests of the pure-C core (ASan + UBSan)
#   make check-fuzz      libFuzzer on the wire and metadata decoders and the
#                        resource-file parser, FUZZ_SECONDS (20) each
#   make fuzz            the same for 10 minutes each
#   make check-tools     what make install puts in place, checked on the host
#   make check-vm [T=x] [G=group] [QUICK=1] [KERNEL=debug]
#                        VM tests: all, or those whose name contains x (T="x y":
#                        either, in that order), or those in
#                        a group (basic, replicate, resync, fault, ha, quick; G=a,b
#                        for several); QUICK=1 is G=quick; KERNEL=debug boots the
#                        debug kernel (lockdep, KASAN, kmemleak), built if needed
#   make debug-kernel    build that kernel (once per machine, cached in /var/cache/tandem)
#   make lint            the module with W=1, sparse (C=2) and -Werror; its layers (scripts/check-layers.sh)
#   make bench           link, raw disk, tandem and DRBD 8.4 side by side, in the VMs
#   make experiment      the paper's failover experiment: httperf through the virtual
#                        IP while the master dies and comes back (RATES= REPS= CONNS=
#                        STACK=keepalived|heartbeat|pacemaker HOSTLOAD=N)
#   make install         module into /lib/modules/$(KVER); tandemctl, man pages,
#                        completion, systemd unit, udev rule, OCF agent, keepalived's
#                        and Heartbeat's scripts (install-tools)

KVER ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KVER)/build
PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
UNITDIR ?= /etc/systemd/system
UDEVDIR ?= /etc/udev
OCFDIR ?= /usr/lib/ocf/resource.d/tandem
HARESDIR ?= /etc/ha.d/resource.d
LIBEXECDIR ?= /usr/lib/tandem
# The kernel the test VMs boot (Debian's, with headers), not the host's.
VM_KVER = $(shell bash -c '. scripts/vm/common.sh && tdm_vm_kver')
VM_KDIR = /lib/modules/$(VM_KVER)/build
# The VMs' kernel for check-vm: stock (Debian's) or debug (make debug-kernel).
KERNEL ?= stock
# Processes that load the host beside the demo's VMs.
HOSTLOAD ?= 0
# The demo's cluster manager.
STACK ?= keepalived
VM_TEST_ARGS = $(if $(G),-g $(G)) $(if $(filter 1,$(QUICK)),-g quick) $(T)

all: module tools

module:
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 modules

tools:
	$(MAKE) -C tools

setup:
	@scripts/setup.sh

# Built for the VMs' kernel, warnings fatal, sparse clean.
lint: setup
	@out=$$($(MAKE) -s -C $(VM_KDIR) M=$(CURDIR) W=1 C=2 KCFLAGS=-Werror modules 2>&1); \
	rc=$$?; printf '%s\n' "$$out" | grep -v 'Skipping BTF' || true; \
	if [ $$rc -ne 0 ] || printf '%s\n' "$$out" | grep -qE 'warning|error'; then \
		echo "lint: module has warnings"; exit 1; fi; echo "lint: module clean (W=1, sparse)"
	@scripts/check-layers.sh

vm-build: setup lint
	$(MAKE) -C tools
	$(MAKE) -C tests/vm/helpers

# The host's own checks (unit, fuzz, installed files: about two minutes of
# one core) run while the VMs boot and take the first tests; their output
# follows the VM tests'. Either failing fails make check.
check: setup $(if $(filter debug,$(KERNEL)),vm-build-debug,vm-build)
	@mkdir -p build; $(MAKE) -s check-unit check-fuzz check-tools > build/check-host.log 2>&1 & host=$$!; \
	TDM_KERNEL=$(KERNEL) tests/vm/run.sh $(VM_TEST_ARGS); vm=$$?; \
	wait $$host; rc=$$?; echo "== host checks (unit, fuzz, installed files):"; cat build/check-host.log; \
	if [ $$rc -ne 0 ]; then echo "host checks failed"; fi; [ $$vm -eq 0 ] && [ $$rc -eq 0 ]

FUZZ_SECONDS ?= 20
check-fuzz: setup
	$(MAKE) -C tests/fuzz run FUZZ_SECONDS=$(FUZZ_SECONDS)

# Longer: 10 minutes per target.
fuzz: setup
	$(MAKE) -C tests/fuzz run FUZZ_SECONDS=600

check-unit: setup
	$(MAKE) -C tests/unit run

# The installed files: paths, man pages, completion, unit (host only, no VM).
check-tools: setup
	$(MAKE) -C tools
	tests/tools/run.sh

check-vm: $(if $(filter debug,$(KERNEL)),vm-build-debug,vm-build)
	TDM_KERNEL=$(KERNEL) tests/vm/run.sh $(VM_TEST_ARGS)

# Not part of make check: 20 CPU-minutes, 33 to 41 min here on two shared cores.
debug-kernel:
	@scripts/setup.sh debug-kernel
	@scripts/vm/debug-kernel.sh build >/dev/null

# The tools as for vm-build; the module against the debug kernel, built in
# build/debug-module so that kmod/ keeps the stock kernel's.
vm-build-debug: setup debug-kernel
	$(MAKE) -C tools
	$(MAKE) -C tests/vm/helpers
	@scripts/vm/debug-kernel.sh module >/dev/null

demo: vm-build
	HOSTLOAD=$(HOSTLOAD) STACK=$(STACK) scripts/demo.sh

bench: vm-build
	@scripts/setup.sh bench
	tests/bench/run.sh

experiment: vm-build
	STACK=$(STACK) HOSTLOAD=$(HOSTLOAD) tests/experiment/run.sh

install: install-module install-tools

install-module: module
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install

# tandemctl, its man pages and bash completion, the systemd unit, the udev rule,
# the Pacemaker resource agent (ocf:tandem:tandem), keepalived's script and example,
# Heartbeat's resource script and examples, Pacemaker's and corosync's examples
# and the constraint-based fence-peer handler, the LVM snapshot handler.
install-tools: tools
	install -D -m 0755 tools/tandemctl $(DESTDIR)$(SBINDIR)/tandemctl
	install -D -m 0644 tools/man/tandemctl.8 $(DESTDIR)$(MANDIR)/man8/tandemctl.8
	install -D -m 0644 tools/man/tandem.conf.5 $(DESTDIR)$(MANDIR)/man5/tandem.conf.5
	install -D -m 0755 tools/ha/tandem.ocf $(DESTDIR)$(OCFDIR)/tandem
	install -D -m 0755 tools/ha/tandem-vrrp $(DESTDIR)$(LIBEXECDIR)/tandem-vrrp
	install -d $(DESTDIR)$(LIBEXECDIR)
	sed 's|/usr/sbin/tandemctl|$(SBINDIR)/tandemctl|g' tools/ha/keepalived.conf.example \
		> $(DESTDIR)$(LIBEXECDIR)/keepalived.conf.example
	install -D -m 0755 tools/ha/tandemdisk $(DESTDIR)$(HARESDIR)/tandemdisk
	install -m 0644 tools/ha/ha.cf.example tools/ha/haresources.example $(DESTDIR)$(LIBEXECDIR)
	install -m 0644 tools/ha/pacemaker.crm.example tools/ha/corosync.conf.example $(DESTDIR)$(LIBEXECDIR)
	install -m 0755 tools/ha/tandem-crm-fence-peer tools/ha/tandem-vrrp-fence-peer $(DESTDIR)$(LIBEXECDIR)
	install -D -m 0755 tools/ha/snapshot-resync-target-lvm \
		$(DESTDIR)$(LIBEXECDIR)/snapshot-resync-target-lvm
	install -D -m 0644 tools/etc/tandemctl.bash-completion \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/tandemctl
	install -d $(DESTDIR)$(UNITDIR) $(DESTDIR)$(UDEVDIR)/rules.d $(DESTDIR)/etc/tandem
	sed 's|@SBINDIR@|$(SBINDIR)|g' tools/etc/tandem@.service.in > $(DESTDIR)$(UNITDIR)/tandem@.service
	sed 's|@SBINDIR@|$(SBINDIR)|g' tools/etc/65-tandem.rules.in > $(DESTDIR)$(UDEVDIR)/rules.d/65-tandem.rules

clean:
	$(MAKE) -C tools clean
	$(MAKE) -C tests/unit clean
	$(MAKE) -C tests/vm/helpers clean
	rm -rf kmod/*.o kmod/core/*.o kmod/*.ko kmod/*.mod kmod/*.mod.c kmod/.*.cmd \
		kmod/core/.*.cmd kmod/modules.order modules.order Module.symvers .*.cmd

.PHONY: all module tools setup lint vm-build vm-build-debug debug-kernel check check-unit check-fuzz fuzz check-tools check-vm demo bench experiment \
	install install-module install-tools clean
