obj-$(CONFIG_PCI) += lib/pci/scan.c lib/pci/bar.c lib/pci/caps.c \
                     lib/pci/log.c lib/pci/pci.c lib/pci/irq.c
# Enumeration runs once at boot: small rather than fast.
$(O)/obj/lib/pci/%: KERNEL_CFLAGS += -Os
