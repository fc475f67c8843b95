obj-$(CONFIG_NETDEV) += lib/net/netdev.c
