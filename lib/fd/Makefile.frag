obj-$(CONFIG_FILES) += lib/fd/fd.c lib/fd/eventfd.c
