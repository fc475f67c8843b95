obj-$(CONFIG_XEN) += lib/xen/xen.c lib/xen/console_io.c lib/xen/shutdown.c
