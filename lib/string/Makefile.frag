obj-$(CONFIG_LIB_STRING) += lib/string/string.c
