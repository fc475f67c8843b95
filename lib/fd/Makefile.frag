obj-$(CONFIG_FILES) += lib/fd/fd.c lib/fd/eventfd.c lib/fd/devfs.c
