# SPDX-License-Identifier: GPL-2.0
#
# mipkex top-level Makefile.
#
#   make          build kmod/mipkex.ko and userspace/mipkex
#   make deps     install the Debian packages everything needs (root)
#   make check    deps, build, static checks, host tests, one VM with every
#                 kernel suite; ends with "N passed, N failed, N skipped"
#   make demo     boot a VM, load the module, show three namespaces
#   make bench    boot a VM and print provisioning and memory figures
#   make install  install the module (for the running kernel) and the tool
#
# KVER (kernel release) and KDIR (its build tree) are discovered from
# Debian's linux-image-amd64 package; override them to build elsewhere.

# Recursively expanded on purpose: evaluated after "make deps" has run.
KVER ?= $(shell dpkg-query -W -f='$${Depends}' linux-image-amd64 2>/dev/null | \
	  sed -n 's/^linux-image-\([^ ,]*\).*/\1/p')
KDIR ?= /lib/modules/$(KVER)/build
KMAJMIN = $(word 1,$(subst ., ,$(KVER))).$(word 2,$(subst ., ,$(KVER)))
KSRC_TAR ?= /usr/src/linux-source-$(KMAJMIN).tar.xz
KSRC := $(CURDIR)/build/ksrc

PREFIX ?= /usr/local
DESTDIR ?=

DEB_PACKAGES := linux-image-amd64 linux-headers-amd64 linux-source \
	qemu-system-x86 busybox-static cpio kmod iproute2 procps \
	gcc libc6-dev make pkg-config perl xz-utils binutils sparse \
	libnl-3-dev libnl-genl-3-dev libpcap-dev libssl-dev \
	python3 python3-scapy python3-cryptography python3-docutils tshark jq \
	iputils-ping \
	clang libclang-rt-dev

export KVER KDIR KSRC

KERNEL_SOURCES = $(filter-out %.mod.c,$(wildcard kmod/*.c)) \
	$(wildcard kmod/*.h uapi/linux/*.h)

all: module tool testing-module selftests

deps:
	@missing=; for p in $(DEB_PACKAGES); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | \
			grep -q '^install ok installed$$' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "deps: installing$$missing"; \
		if [ "$$(id -u)" != 0 ]; then \
			echo "deps: run 'make deps' as root (apt-get)" >&2; exit 1; \
		fi; \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get update -q && \
		apt-get install -y -q --no-install-recommends $$missing; \
	fi

module: deps
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

tool: deps
	$(MAKE) -C userspace

# The testing build: the same sources plus test-only debugfs controls
# (kmod/testing.c), built in a copy of the tree so that kmod/mipkex.ko stays
# the production module. Selftests load build/testing/kmod/mipkex.ko.
TESTING := $(CURDIR)/build/testing
testing-module: deps
	@mkdir -p $(TESTING)/kmod $(TESTING)/uapi/linux
	@cp Kbuild $(TESTING)/
	@cp kmod/Kbuild $(filter-out %.mod.c,$(wildcard kmod/*.c)) kmod/*.h $(TESTING)/kmod/
	@cp uapi/linux/*.h $(TESTING)/uapi/linux/
	$(MAKE) -C $(KDIR) M=$(TESTING) MIPKEX_TESTING=y $(TESTING_FLAGS) modules

# Pieces of the kernel source that the headers package lacks: checkpatch,
# kernel-doc and the kselftest headers.
$(KSRC)/.stamp: | deps
	@test -f $(KSRC_TAR) || { echo "missing $(KSRC_TAR): make deps" >&2; exit 1; }
	rm -rf $(KSRC) && mkdir -p $(KSRC)
	tar -xJf $(KSRC_TAR) -C $(KSRC) --strip-components=1 --wildcards \
		'linux-source-*/scripts/checkpatch.pl' \
		'linux-source-*/scripts/spelling.txt' \
		'linux-source-*/scripts/const_structs.checkpatch' \
		'linux-source-*/scripts/kernel-doc' \
		'linux-source-*/tools/testing/selftests/kselftest.h' \
		'linux-source-*/tools/testing/selftests/kselftest_harness.h'
	touch $@

ksrc: $(KSRC)/.stamp

selftests: deps ksrc
	$(MAKE) -C selftests

# Static checks; "make check" runs them as tests too.
static: module-w1 checkpatch kerneldoc

module-w1: deps
	@mkdir -p build
	@$(MAKE) -s -C $(KDIR) M=$(CURDIR) W=1 C=2 CHECK=sparse modules 2>&1 | \
		tee build/w1.log | grep -E 'warning|error' && exit 1 || true
	@test -f kmod/mipkex.ko
	@$(MAKE) -s testing-module TESTING_FLAGS="W=1 C=2 CHECK=sparse" 2>&1 | \
		tee build/w1-testing.log | grep -E 'warning|error' && exit 1 || true
	@test -f $(TESTING)/kmod/mipkex.ko

checkpatch: ksrc
	@fail=0; for f in $(KERNEL_SOURCES); do \
		perl $(KSRC)/scripts/checkpatch.pl --strict --no-tree --terse \
			--show-types -f $$f || fail=1; \
	done; exit $$fail

kerneldoc: ksrc
	@out=$$(perl $(KSRC)/scripts/kernel-doc -none \
		$(KERNEL_SOURCES) 2>&1); \
	if [ -n "$$out" ]; then echo "$$out"; exit 1; fi

# The documentation must build without a warning.
docs: deps
	@for f in Documentation/*.rst; do \
		/usr/bin/rst2html --halt=warning $$f >/dev/null || exit 1; \
	done

check: deps
	@$(MAKE) --no-print-directory all
	@selftests/check.sh

demo: deps
	@$(MAKE) --no-print-directory module tool
	@selftests/vm/vmrun.sh -- selftests/demo.sh

# Benchmarks: figures, not pass/fail (selftests/bench/).
bench: deps
	@$(MAKE) --no-print-directory module tool
	@selftests/vm/vmrun.sh -m 2048 -t 1800 -- selftests/bench/run.sh

install: module tool
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install
	install -D -m 0755 userspace/mipkex $(DESTDIR)$(PREFIX)/sbin/mipkex
	install -D -m 0644 userspace/mipkex.8 \
		$(DESTDIR)$(PREFIX)/share/man/man8/mipkex.8
	install -D -m 0644 userspace/completion/mipkex.bash \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/mipkex
	install -D -m 0644 uapi/linux/mipkex.h \
		$(DESTDIR)$(PREFIX)/include/linux/mipkex.h

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C userspace clean
	-$(MAKE) -C selftests clean
	rm -rf build

.PHONY: all deps module tool testing-module ksrc selftests static module-w1 checkpatch \
	kerneldoc docs check demo bench install clean
