obj-$(CONFIG_XENBUS) += \
  lib/xenbus/gnttab.c \
  lib/xenbus/gnttab_xen.c \
  lib/xenbus/xenbus.c \
  lib/xenbus/xenstore.c \
  lib/xenbus/xs_reply.c \
  lib/xenbus/xs_ring.c \
  lib/xenbus/xs_xen.c
# Xen-only, cold (connects devices at boot): small rather than fast.
$(O)/obj/lib/xenbus/%: KERNEL_CFLAGS += -Os
