# SPDX-License-Identifier: GPL-2.0
#
#   make                 module (against KDIR) and tools
#   make demo            the two-VM demo (sets itself up)
#   make check           every test: unit, module lint, VM (sets itself up)
#   make check-unit      unit tests of the pure-C core (ASan + UBSan)
#   make check-vm [T=x]  VM tests (all, or those whose name contains x)
#   make lint            the module with W=1, sparse (C=2) and -Werror
#   make bench           fio on raw disk, tandem async and sync, in the VMs
#   make install         module into /lib/modules/$(KVER), tandemctl into $(PREFIX)/sbin

KVER ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KVER)/build
PREFIX ?= /usr/local
# The kernel the test VMs boot (Debian's, with headers), not the host's.
VM_KVER = $(shell bash -c '. scripts/vm/common.sh && tdm_vm_kver')
VM_KDIR = /lib/modules/$(VM_KVER)/build

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

vm-build: setup lint
	$(MAKE) -C tools
	$(MAKE) -C tests/vm/helpers

check: setup check-unit check-vm

check-unit: setup
	$(MAKE) -C tests/unit run

check-vm: vm-build
	tests/vm/run.sh $(T)

demo: vm-build
	scripts/demo.sh

bench: vm-build
	tests/bench/run.sh

install: all
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install
	install -D -m 0755 tools/tandemctl $(DESTDIR)$(PREFIX)/sbin/tandemctl

clean:
	$(MAKE) -C tools clean
	$(MAKE) -C tests/unit clean
	$(MAKE) -C tests/vm/helpers clean
	rm -rf kmod/*.o kmod/core/*.o kmod/*.ko kmod/*.mod kmod/*.mod.c kmod/.*.cmd \
		kmod/core/.*.cmd kmod/modules.order modules.order Module.symvers .*.cmd

.PHONY: all module tools setup lint vm-build check check-unit check-vm demo bench install clean
