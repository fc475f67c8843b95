obj-$(CONFIG_LIBC_NONE) += lib/string/string.c
