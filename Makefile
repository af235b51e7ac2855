# SPDX-License-Identifier: GPL-2.0
#
# ipsec-ha: kernel module (for every installed kernel with headers, each in
# build/<release>/) and the ipsec-ha tool.
#
#   make                       module for every installed kernel, the tool and
#                              the charon plugin (build/strongswan/)
#   make KDIR=<kernel tree>    module for that one tree
#   make deps                  install what the project needs (Debian 12)
#   make check                 every test; ends with "N passed, N failed"
#   make demo                  the strongSwan + keepalived story in a guest
#   make lint                  checkpatch, sparse, W=1, -Werror for the tool,
#                              generated files against the netlink spec
#   make gen                   regenerate what the netlink spec describes
#   make check-debug           suite + leak check on the debug kernel (root)
#   make kselftest             selftests as a kselftest target, KTAP from a guest
#   make check-7x              7.x builds (W=1) + the suite in a 7.x guest (vng, root)
#   make install               modules_install + the tool, man page, completion,
#                              keepalived's notify script in /usr/lib/ipsec-ha
#                              the Pacemaker resource agent under OCF_ROOT
#                              (DESTDIR=dir stages everything under dir)

TOP := $(CURDIR)
BUILD := $(TOP)/build
VERSION := $(shell cat $(TOP)/VERSION)

# Kernel trees to build for: KDIR if given, else every installed one.
ifdef KDIR
KDIRS := $(KDIR)
else
KDIRS := $(patsubst %/Makefile,%,$(wildcard /lib/modules/*/build/Makefile))
endif
# Output directory name: the module directory's name for an installed
# kernel (Debian's headers say 6.1.192 where modules live in 6.1.0-NN-amd64),
# else the tree's own release.
release = $(if $(filter /lib/modules/%/build,$(1)),$(patsubst /lib/modules/%/build,%,$(1)),$(shell cat $(1)/include/config/kernel.release))

# The Pacemaker resource agent goes to OCF_ROOT/resource.d/ipsec-ha/ipsec-ha
# (ocf:ipsec-ha:ipsec-ha), whatever the tool's PREFIX.
OCF_ROOT ?= /usr/lib/ocf

MODULE_SRCS := $(wildcard $(TOP)/module/*.c $(TOP)/module/*.h) $(TOP)/module/Kbuild
UAPI := $(TOP)/include/uapi/linux/ipsec_ha.h
# keepalived's notify script (tools/keepalived/ipsec-ha-notify) goes here.
NOTIFYDIR ?= /usr/lib/ipsec-ha

.PHONY: all modules tool strongswan deps check check-debug check-7x kselftest demo lint install clean uapi gen test-unit

all: modules tool strongswan

# One output directory per kernel: a tree of links to the sources.
define module_rule
modules: $(BUILD)/$(call release,$(1))/module/ipsec_ha.ko
$(BUILD)/$(call release,$(1))/module/ipsec_ha.ko: $(MODULE_SRCS) $(UAPI) $(TOP)/VERSION
	@$(TOP)/tools/build-tree.sh $(TOP) $(BUILD)/$(call release,$(1))
	$(MAKE) -C $(1) M=$(BUILD)/$(call release,$(1)) $(KBUILD_ARGS) modules
endef
$(foreach k,$(KDIRS),$(eval $(call module_rule,$(k))))

modules:
	@[ -n "$(KDIRS)" ] || { echo "no kernel headers installed: run make deps" >&2; exit 1; }

tool:
	$(MAKE) -C tools/ipsec-ha

# The charon plugin, against the strongSwan source make deps prepared.
strongswan:
	$(MAKE) -C tools/strongswan

uapi:
	tools/ynl.sh gen-uapi

# Everything generated from Documentation/netlink/specs/ipsec_ha.yaml: the
# uapi header, the module's policies and split ops, the tool's attribute
# tables (Documentation/netlink.md). tools/lint.sh fails when one differs.
gen: uapi
	tools/ynl.sh gen-kernel
	tools/gen-attrs.py
	tools/nl_abi.py --update

deps:
	tools/deps.sh

lint: modules tool
	tools/lint.sh

test-unit: tool
	$(MAKE) -C tools/ipsec-ha test

check: deps
	tools/check.sh

check-debug:
	tools/kernels/check-debug.sh

# The selftests as the kselftest target ipsec_ha of linux-source-6.12, run
# with run_kselftest.sh in a guest (KSFT_KERNEL, KSFT_TESTS: selftests/Makefile).
kselftest: modules tool
	$(MAKE) -C selftests kselftest

check-7x:
	tools/kernels/check-7x.sh

# The kernels to build for are read when make starts, before deps may have
# installed them: the build runs in a make of its own, after deps.
demo: deps
	$(MAKE) all
	tools/demo.sh

install: all
	$(foreach k,$(KDIRS),$(MAKE) -C $(k) M=$(BUILD)/$(call release,$(k)) \
		$(if $(DESTDIR),INSTALL_MOD_PATH=$(DESTDIR)) modules_install &&) true
	$(MAKE) -C tools/ipsec-ha install
	install -D -m 0755 tools/keepalived/ipsec-ha-notify $(DESTDIR)$(NOTIFYDIR)/ipsec-ha-notify
	$(MAKE) -C tools/strongswan install
	install -D -m 0755 tools/pacemaker/ipsec-ha \
		$(DESTDIR)$(OCF_ROOT)/resource.d/ipsec-ha/ipsec-ha

clean:
	rm -rf $(BUILD)
	$(MAKE) -C tools/ipsec-ha clean
	$(MAKE) -C tools/strongswan clean
