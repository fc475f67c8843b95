obj-y += lib/console/console.c lib/console/log.c lib/console/format.c
obj-$(CONFIG_CONSOLE_COM1) += lib/console/uart16550.c
# Always built: a Xen domU logs through port 0xe9 whatever the probe says.
obj-y += lib/console/debugcon.c
