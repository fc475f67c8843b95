# Tern: build one appliance image per app.
#
#   make [APP=hello]       build build/<app>/tern-<app>.elf
#   make run [APP=hello]   install what is missing, build, boot in QEMU
#   make run-xen [ARGS=..] the same as a PVH dom0 of Xen inside QEMU
#   make debug [APP=hello] the same, stopped at the entry, under gdb
#   make test              unit tests, fuzz smoke run, boot tests
#   make fuzz              run each fuzz target for FUZZ_SECONDS (60)
#   make bench             size, boot-cost and memory figures (no verdicts)
#   make xl-config         build/<app>/<app>.xl, an xl file for a Xen PVH domU
#   make libvirt-xml       build/<app>/<app>-xen.xml and <app>-qemu.xml
#   make menuconfig        edit build/<app>/.config
#   make defconfig         reset build/<app>/.config from configs/
#   make clean

APP ?= hello
PYTHON ?= /usr/bin/python3
QEMU ?= qemu-system-x86_64
BUILD ?= build
O := $(BUILD)/$(APP)
IMAGE := $(O)/tern-$(APP).elf
TERN_VERSION := 0.1.0
XEN_INCLUDE := /usr/include/xen
FUZZ_SECONDS ?= 60

APPS := $(sort $(patsubst apps/%/main.c,%,$(wildcard apps/*/main.c)))
export TERN_APP := $(APP)

ifeq ($(filter $(APP),$(APPS)),)
$(error unknown APP '$(APP)': the apps are: $(APPS))
endif
DEFCONFIG ?= configs/$(APP)_defconfig
ifeq ($(wildcard $(DEFCONFIG)),)
$(error APP '$(APP)' has no $(DEFCONFIG))
endif

.PHONY: xl-config libvirt-xml httpd-site print-app-cflags all run run-xen debug test bench unit fuzz menuconfig defconfig clean setup images
all: $(IMAGE)

# ---- configuration (kconfiglib) --------------------------------------------
KCONFIGS := Kconfig $(wildcard arch/x86_64/*/Kconfig lib/*/Kconfig)
CONFIG_H := $(O)/include/tern/config.h

# .config is included below, so make refreshes it (and the header with it)
# before reading it: new Kconfig symbols get their defaults, edits stay.
$(O)/.config: $(DEFCONFIG) $(KCONFIGS)
	@$(PYTHON) scripts/kconfig.py sync $(DEFCONFIG) $@ $(CONFIG_H)

$(CONFIG_H): $(O)/.config
	@test -f $@ || $(PYTHON) scripts/kconfig.py sync $(DEFCONFIG) $< $@

menuconfig:
	$(PYTHON) scripts/kconfig.py menuconfig $(O)/.config $(CONFIG_H)

defconfig:
	$(PYTHON) scripts/kconfig.py defconfig $(DEFCONFIG) $(O)/.config $(CONFIG_H)

-include $(O)/.config

# ---- Xen public headers (libxen-dev), seen as <xen/...> only --------------
SYSINC := $(BUILD)/sysinc
$(SYSINC)/xen:
	@test -f $(XEN_INCLUDE)/arch-x86/hvm/start_info.h || { \
	  echo "error: Xen public headers missing ($(XEN_INCLUDE)): run scripts/setup or apt-get install libxen-dev" >&2; exit 1; }
	@mkdir -p $(SYSINC)
	@ln -sfn $(XEN_INCLUDE) $@

# ---- sources: each folder's Makefile.frag adds to obj-y ---------------------
obj-y :=
include arch/x86_64/Makefile.frag $(wildcard arch/x86_64/*/Makefile.frag)
include boot/Makefile.frag
include $(wildcard lib/*/Makefile.frag)
# an app's *_host.c files are for scripts/host-app only
obj-y += $(filter-out %_host.c,$(wildcard apps/$(APP)/*.c apps/$(APP)/*.S))

OBJS := $(patsubst %,$(O)/obj/%.o,$(obj-y))

# ---- the C library: newlib from Debian's newlib-source, built once --------
NEWLIB := $(BUILD)/newlib
NEWLIB_TARGET := $(NEWLIB)/install/x86_64-elf
# Rebuilt when the recipe's content changes, not its timestamp (a checkout
# or rebase touches the file without changing it).
NEWLIB_STAMP := $(NEWLIB)/stamp-$(shell sha256sum scripts/build-newlib | cut -c1-16)
# gcc's own run-time support (128-bit division for the clock's tick
# conversions, and whatever else gcc chooses to call) is part of any
# freestanding C build, whichever C library is chosen: -nostdlib drops it,
# so it is named here for every configuration.
LIBGCC := $(shell gcc -print-libgcc-file-name)
ifeq ($(CONFIG_LIBC_NEWLIB),y)
LIBC_CFLAGS := -isystem include/posix -isystem $(NEWLIB_TARGET)/include \
  -D_POSIX_TIMERS=1 \
  -D_POSIX_MONOTONIC_CLOCK=200112L
LIBC_LIBS := --start-group $(NEWLIB_TARGET)/lib/libc.a \
  $(NEWLIB_TARGET)/lib/libm.a $(LIBGCC) --end-group
LIBC_DEP := $(NEWLIB_STAMP)
else
LIBC_CFLAGS := -Iinclude/min-libc
LIBC_LIBS := $(LIBGCC)
endif

$(NEWLIB_STAMP):
	@echo "  NEWLIB  $(NEWLIB) (about a minute, once)"
	@scripts/build-newlib $(NEWLIB)
	@touch $@

# Headers: include/ is what apps see (docs/writing-an-app.md); each
# folder's include/ holds its internal headers, seen by the runtime and
# by the apps that test it (CONFIG_APP_INTERNAL), never by other apps.
PUBLIC_INC := -Iinclude
INTERNAL_INC := $(patsubst %,-I%,$(wildcard boot/include arch/x86_64/include \
  arch/x86_64/*/include lib/*/include))
GCC_INCLUDE := $(shell gcc -print-file-name=include)
KERNEL_CFLAGS := -std=gnu11 -O2 -g -ffreestanding -fno-builtin -nostdinc \
  $(LIBC_CFLAGS) -isystem $(GCC_INCLUDE) -isystem $(SYSINC) -I$(O)/include \
  $(PUBLIC_INC) $(INTERNAL_INC) -fno-stack-protector -fstack-clash-protection -fno-pic -fno-pie \
  -mno-red-zone -mno-mmx -mno-sse -mno-sse2 -mno-avx -mcmodel=small \
  -fno-omit-frame-pointer -fno-asynchronous-unwind-tables \
  -fno-tree-loop-distribute-patterns -ffunction-sections -fdata-sections \
  -fcf-protection=none -Wall -Wextra -Werror -MMD -MP \
  -DTERN_VERSION='"$(TERN_VERSION)"' \
  -D__XEN_INTERFACE_VERSION__=__XEN_LATEST_INTERFACE_VERSION__ \
  $(GLOBAL_CFLAGS)
KERNEL_LDFLAGS := -nostdlib -static -no-pie -z max-page-size=0x1000 \
  -z noexecstack --gc-sections -T arch/x86_64/linker.ld \
  --defsym=TERN_LOAD_ADDR=$(CONFIG_LOAD_ADDR)

# Apps may use floating point (the entry code enables SSE); the runtime's
# own code does not, so it never needs the FPU state saved.
APP_CFLAGS := $(filter-out -mno-mmx -mno-sse -mno-sse2 -mno-avx,$(KERNEL_CFLAGS))
ifneq ($(CONFIG_APP_INTERNAL),y)
APP_CFLAGS := $(filter-out $(INTERNAL_INC),$(APP_CFLAGS))
endif

# What an ordinary app is compiled with (the layout check in make test).
print-app-cflags:
	@echo $(filter-out $(INTERNAL_INC),$(APP_CFLAGS))

$(O)/obj/apps/%.c.o: apps/%.c $(CONFIG_H) | $(SYSINC)/xen $(LIBC_DEP)
	@mkdir -p $(dir $@)
	@echo "  CC      apps/$*.c"
	@gcc $(APP_CFLAGS) -c $< -o $@

$(O)/obj/%.c.o: %.c $(CONFIG_H) | $(SYSINC)/xen $(LIBC_DEP)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@gcc $(KERNEL_CFLAGS) -c $< -o $@

$(O)/obj/%.S.o: %.S $(CONFIG_H) | $(SYSINC)/xen $(LIBC_DEP)
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	@gcc $(KERNEL_CFLAGS) -D__ASSEMBLY__ -c $< -o $@

# Two links: the first gives the functions' addresses, the second adds
# their names (at the end of .rodata, so no function moves) for the fault
# reports' backtraces.
$(O)/syms-empty.o: scripts/gen-symbols
	@scripts/gen-symbols --empty $(O)/syms-empty.S
	@gcc -c $(O)/syms-empty.S -o $@

$(IMAGE): $(OBJS) $(O)/syms-empty.o arch/x86_64/linker.ld scripts/gen-symbols
	@echo "  LD      $@"
	@ld $(KERNEL_LDFLAGS) -o $@.pass1 $(OBJS) $(LIBC_LIBS) $(O)/syms-empty.o
	@scripts/gen-symbols $@.pass1 $(O)/syms.S
	@gcc -c $(O)/syms.S -o $(O)/syms.o
	@ld $(KERNEL_LDFLAGS) -o $@ $(OBJS) $(LIBC_LIBS) $(O)/syms.o
	@scripts/check-symbols $@.pass1 $@
	@rm -f $@.pass1
	@scripts/check-image $@

-include $(OBJS:.o=.d)

# ---- httpd's demo site, packed reproducibly (docs/httpd.md) ------------------
HTTPD_SITE := $(BUILD)/httpd/site.tar
$(HTTPD_SITE): scripts/pack-site $(shell find apps/httpd/site -type f 2>/dev/null)
	@echo "  PACK    $@"
	@scripts/pack-site apps/httpd/site $@

httpd-site: $(HTTPD_SITE)
ifeq ($(APP),httpd)
all: $(HTTPD_SITE)
endif

# ---- running ----------------------------------------------------------------
setup:
	@scripts/setup

# An app's apps/<app>/run.env sets what it needs to run (FORWARD=,
# MODULES=, MEM=; scripts/run-qemu says what each means).
run: setup
	@$(MAKE) --no-print-directory APP=$(APP) all
	@$(if $(wildcard apps/$(APP)/run.env),set -a; . apps/$(APP)/run.env; set +a;) \
	  scripts/run-qemu $(IMAGE) $(RUNFLAGS)

# QEMU stopped at the entry with its gdb stub, and gdb with the symbols
# (docs/debugging.md).
debug: setup
	@$(MAKE) --no-print-directory APP=$(APP) all
	@scripts/run-debug $(IMAGE) $(GDBFLAGS)

# Deployment files for the image built already (docs/deploy.md): MEM,
# APPEND, DISK, BRIDGE, NETWORK, NAME, MODULES as make variables or in
# the environment, after apps/<app>/run.env; DEPLOY_DIR is where they go.
DEPLOY_DIR ?= $(O)
DEPLOY_ENV = $(if $(wildcard apps/$(APP)/run.env),set -a; . apps/$(APP)/run.env; set +a;)
xl-config: $(O)/.config
	@$(DEPLOY_ENV) scripts/deploy-config xl $(APP) $(IMAGE) $(O)/.config $(DEPLOY_DIR)

libvirt-xml: $(O)/.config
	@$(DEPLOY_ENV) scripts/deploy-config libvirt $(APP) $(IMAGE) $(O)/.config $(DEPLOY_DIR)

# Tern as a PVH dom0 of Xen inside QEMU; ARGS is dom0's command line.
run-xen: setup
	@$(MAKE) --no-print-directory APP=$(APP) all
	@scripts/run-xen $(IMAGE) $(ARGS)

# ---- tests --------------------------------------------------------------------
# Pure logic: parsers and data structures that call nothing of the
# kernel's, so the fuzz targets link them alone.
PURE_SRCS := \
  apps/httpd/access_log.c \
  apps/httpd/http_cond.c \
  apps/httpd/http_date.c \
  apps/httpd/http_parse.c \
  apps/httpd/respond.c \
  apps/httpd/site.c \
  apps/httpd/tar.c \
  apps/httpd/url.c \
  apps/kv/commands.c \
  apps/kv/crc32c.c \
  apps/kv/mem.c \
  apps/kv/reply.c \
  apps/kv/resp.c \
  apps/kv/settings.c \
  apps/kv/snapshot.c \
  apps/kv/store.c \
  apps/pvhload/build.c \
  apps/pvhload/elf.c \
  apps/pvhload/place.c \
  arch/x86_64/acpi/extent.c \
  arch/x86_64/acpi/regs.c \
  arch/x86_64/acpi/tables.c \
  arch/x86_64/irq_route.c \
  arch/x86_64/pagetable.c \
  arch/x86_64/pc/rtc_decode.c \
  arch/x86_64/xen/console_ring.c \
  arch/x86_64/xen/evtchn_scan.c \
  arch/x86_64/xen/pvclock.c \
  boot/cmdline.c \
  boot/pvh.c \
  boot/pvh_memory.c \
  lib/blk/blk_check.c \
  lib/core/civil.c \
  lib/core/format.c \
  lib/core/phys.c \
  lib/entropy/blake2s.c \
  lib/entropy/chacha20.c \
  lib/entropy/health.c \
  lib/entropy/pool.c \
  lib/entropy/uniform.c \
  lib/libc/modfs.c \
  lib/lwip/netparam.c \
  lib/lwip/siphash.c \
  lib/mm/memmap.c \
  lib/mm/page_alloc.c \
  lib/pci/bar.c \
  lib/pci/caps.c \
  lib/pci/log.c \
  lib/pci/scan.c \
  lib/sched/queue.c \
  lib/time/tsc_rate.c \
  lib/virtio/mmio_check.c \
  lib/virtio/mmio_dsdt.c \
  lib/virtio/mmio_words.c \
  lib/virtio/net_csum.c \
  lib/virtio/pci_caps.c \
  lib/virtio/virtqueue.c \
  lib/xenbus/gnttab.c \
  lib/xenbus/xenbus.c \
  lib/xenbus/xenstore.c \
  lib/xenbus/xs_reply.c \
  lib/xenbus/xs_ring.c
# And code whose kernel calls (page_alloc, tern_fatal, the scheduler's
# waits) the unit tests stand in for.
UNIT_SRCS := $(PURE_SRCS) \
  arch/x86_64/irq_bind.c \
  lib/blk/blk.c \
  lib/blk/blk_file.c \
  lib/fd/devfs.c \
  lib/fd/eventfd.c \
  lib/fd/fd.c \
  lib/mm/kalloc.c \
  lib/mm/objpool.c \
  lib/net/netdev.c \
  lib/virtio/mmio.c \
  lib/virtio/rng.c \
  lib/virtio/virtio.c \
  lib/virtio/virtqueue_dev.c
HOST_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -Iinclude $(INTERNAL_INC) \
  -Itests/unit/config \
  -D__XEN_INTERFACE_VERSION__=__XEN_LATEST_INTERFACE_VERSION__ \
  -isystem $(SYSINC) -fno-omit-frame-pointer
UNIT_BIN := $(BUILD)/tests/unit-tests
# One libFuzzer target per tests/fuzz/fuzz_<name>.c, built as fuzz-<name>:
# those over the pure sources, and lwIP's input path (its own rule below).
FUZZ_PURE_NAMES := start_info acpi e820 cmdline elf mmio_dsdt pci virtqueue netparam \
  http_parse tar kv_resp kv_snapshot xs_reply
FUZZ_NAMES := $(FUZZ_PURE_NAMES) lwip_frames
FUZZ_BINS := $(foreach n,$(FUZZ_NAMES),$(BUILD)/tests/fuzz-$(subst _,-,$(n)))

$(UNIT_BIN): $(wildcard tests/unit/*.c tests/unit/*.h) $(UNIT_SRCS) | $(SYSINC)/xen
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $@"
	@gcc $(HOST_CFLAGS) -fsanitize=address,undefined \
	  -fno-sanitize-recover=all -o $@ $(wildcard tests/unit/*.c) $(UNIT_SRCS)

# The pure sources, less objpool.c: it calls the kernel's page_alloc and
# tern_fatal, which only the unit tests stand in for.
FUZZ_SRCS := $(PURE_SRCS)
define FUZZ_RULE
$(BUILD)/tests/fuzz-$(subst _,-,$(1)): tests/fuzz/fuzz_$(1).c tests/unit/host_log.c $(FUZZ_SRCS) | $(SYSINC)/xen
	@mkdir -p $$(dir $$@)
	@echo "  FUZZCC  $$@"
	@clang $(HOST_CFLAGS) -fsanitize=fuzzer,address,undefined \
	  -fno-sanitize-recover=all -o $$@ $$^
endef
$(foreach n,$(FUZZ_PURE_NAMES),$(eval $(call FUZZ_RULE,$(n))))

# lwIP's core built for the host with no threads (tests/fuzz/lwip/lwipopts.h
# is Tern's options with NO_SYS): lib/lwip/Makefile.frag's files less api/,
# which needs the tcpip thread, and our port's pure pieces: the ISN hook
# (isn.c, SipHash) and the received frame's pbuf (rx_frame.c).  clang
# sees lwIP compare a u16_t MSS with TCP_WND / 2 (65536) in tcp.c: lwIP
# means it (the window may be smaller), hence the one warning off.
FUZZ_LWIP_SRCS := $(filter-out $(LWIP_SRC)/api/%,$(lwip-srcs)) \
  lib/lwip/isn.c lib/lwip/rx_frame.c lib/lwip/siphash.c lib/core/format.c \
  tests/unit/host_log.c
$(BUILD)/tests/fuzz-lwip-frames: tests/fuzz/fuzz_lwip_frames.c $(FUZZ_LWIP_SRCS) \
  tests/fuzz/lwip/lwipopts.h $(wildcard lib/lwip/port/*.h lib/lwip/port/arch/*.h) \
  | $(LWIP_STAMP) $(SYSINC)/xen
	@mkdir -p $(dir $@)
	@echo "  FUZZCC  $@"
	@clang $(HOST_CFLAGS) -Itests/fuzz/lwip $(LWIP_INC) \
	  -Wno-tautological-constant-out-of-range-compare \
	  -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	  -o $@ tests/fuzz/fuzz_lwip_frames.c $(FUZZ_LWIP_SRCS)

# xl's own file parser (libxlutil, from libxen-dev) over the generated xl
# files: xl itself cannot run without Xen (tests/deploy/xl_cfg_check.c).
XL_CFG_CHECK := $(BUILD)/tests/xl-cfg-check
$(XL_CFG_CHECK): tests/deploy/xl_cfg_check.c
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $@"
	@gcc -std=gnu11 -O1 -g -Wall -Wextra -Werror -o $@ $< -lxlutil -lxenlight

unit: $(UNIT_BIN)
	@$(UNIT_BIN)

FUZZ_CORPUS := $(BUILD)/fuzz-corpus
fuzz: $(FUZZ_BINS)
	@$(PYTHON) tests/fuzz/make_seeds.py $(FUZZ_CORPUS)
	@for n in $(FUZZ_NAMES); do \
	  bin=fuzz-$$(echo $$n | tr _ -); \
	  echo "== $$bin for $(FUZZ_SECONDS) s"; \
	  $(BUILD)/tests/$$bin -max_total_time=$(FUZZ_SECONDS) \
	    $(FUZZ_CORPUS)/$$n || exit 1; \
	done

images:
	@for a in $(APPS); do $(MAKE) -s --no-print-directory APP=$$a all || exit 1; done

test: images $(UNIT_BIN) $(XL_CFG_CHECK)
	@if command -v clang >/dev/null; then \
	  $(MAKE) --no-print-directory $(FUZZ_BINS) || exit 1; fi
	@$(PYTHON) tests/run.py

# Figures, not verdicts: sizes, boot instructions, memory floor, ratios
# against QEMU's floor and a Linux guest (docs/performance.md).
bench: images
	@$(PYTHON) tests/bench/bench.py

clean:
	rm -rf $(BUILD)
