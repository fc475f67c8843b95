obj-$(CONFIG_XEN) += \
  arch/x86_64/xen/console_io.c \
  arch/x86_64/xen/console_ring.c \
  arch/x86_64/xen/evtchn.c \
  arch/x86_64/xen/evtchn_scan.c \
  arch/x86_64/xen/platform_xen.c \
  arch/x86_64/xen/pv_console.c \
  arch/x86_64/xen/pvclock.c \
  arch/x86_64/xen/xen.c
