obj-$(CONFIG_FILES) += lib/fd/fd.c lib/fd/eventfd.c lib/fd/devfs.c
# select()'s sets hold every descriptor the table has (newlib's default
# is 64); the runtime and apps must agree on fd_set's size.
ifeq ($(CONFIG_FILES),y)
GLOBAL_CFLAGS += -DFD_SETSIZE=$(CONFIG_FD_MAX)
endif
