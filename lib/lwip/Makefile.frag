# lwIP: our port (lib/lwip/*.c) and lwIP's own sources, unpacked under
# build/lwip by scripts/build-lwip (Debian's lwip source package, once;
# redone when that script or an upstream fix in lib/lwip/patches changes).
LWIP_DIR := $(BUILD)/lwip
LWIP_SRC := $(LWIP_DIR)/src/src
LWIP_STAMP := $(LWIP_DIR)/stamp-$(shell cat scripts/build-lwip lib/lwip/patches/*.patch | sha256sum | cut -c1-16)
LWIP_FILES := \
  core/def.c core/dns.c core/inet_chksum.c core/init.c core/ip.c core/mem.c \
  core/memp.c core/netif.c core/pbuf.c core/raw.c core/stats.c core/sys.c \
  core/tcp.c core/tcp_in.c core/tcp_out.c core/timeouts.c core/udp.c \
  core/ipv4/dhcp.c core/ipv4/etharp.c core/ipv4/icmp.c core/ipv4/ip4.c \
  core/ipv4/ip4_addr.c core/ipv4/ip4_frag.c \
  api/api_lib.c api/api_msg.c api/err.c api/netbuf.c api/netdb.c api/sockets.c api/tcpip.c \
  netif/ethernet.c
lwip-srcs := $(addprefix $(LWIP_SRC)/,$(LWIP_FILES))
lwip-port := lib/lwip/diag.c lib/lwip/heap.c lib/lwip/isn.c lib/lwip/netif.c \
  lib/lwip/netparam.c lib/lwip/rx_frame.c lib/lwip/siphash.c lib/lwip/sys_arch.c
obj-$(CONFIG_LWIP) += $(lwip-port) $(lwip-srcs)

$(LWIP_STAMP):
	@echo "  LWIP    $(LWIP_DIR) (Debian's lwip source package, once)"
	@scripts/build-lwip $(LWIP_DIR)
	@touch $@

# The sources exist once the stamp does; our port needs lwIP's headers.
$(lwip-srcs): | $(LWIP_STAMP)
$(patsubst %,$(O)/obj/%.o,$(lwip-port)): | $(LWIP_STAMP)

# lwIP's headers and our port's (lwipopts.h, arch/): seen by apps too,
# since the socket headers are lwIP's types; they include public headers only.
LWIP_INC := -I$(LWIP_SRC)/include -Ilib/lwip/port
$(O)/obj/lib/lwip/%: KERNEL_CFLAGS += $(LWIP_INC)
# lwIP's own files keep -Werror too; the flags below relax only what its
# code does on purpose (none needed so far with gcc 12).
$(O)/obj/$(LWIP_SRC)/%: KERNEL_CFLAGS += $(LWIP_INC) -Os

ifeq ($(CONFIG_LWIP),y)
# Apps in an lwIP image see lwIP's API headers (netconn, raw, ip_addr).
$(O)/obj/apps/%: APP_CFLAGS += $(LWIP_INC)
$(patsubst %,$(O)/obj/%.o,$(wildcard apps/$(APP)/*.c)): | $(LWIP_STAMP)
endif
