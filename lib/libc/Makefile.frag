obj-$(CONFIG_LIBC_NEWLIB) += lib/libc/syscalls.c lib/libc/modfs.c lib/libc/reent.c \
                             lib/libc/files.c \
                             lib/libc/malloc.c
