obj-$(CONFIG_PCI) += lib/pci/scan.c lib/pci/bar.c lib/pci/caps.c \
                     lib/pci/log.c lib/pci/pci.c lib/pci/irq.c
