obj-$(CONFIG_XEN) += lib/xen/xen.c lib/xen/console_io.c lib/xen/shutdown.c \
         lib/xen/console_ring.c lib/xen/pv_console.c \
         lib/xen/evtchn.c lib/xen/evtchn_scan.c lib/xen/pvclock.c
