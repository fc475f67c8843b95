obj-y += lib/console/console.c lib/console/log.c lib/console/format.c
obj-$(CONFIG_CONSOLE_COM1) += lib/console/uart16550.c
obj-$(CONFIG_CONSOLE_DEBUGCON) += lib/console/debugcon.c
