obj-$(CONFIG_VIRTIO) += lib/virtio/virtio.c lib/virtio/virtqueue.c \
                        lib/virtio/virtqueue_dev.c
obj-$(CONFIG_VIRTIO_MMIO) += lib/virtio/mmio.c lib/virtio/mmio_check.c \
                             lib/virtio/mmio_dsdt.c lib/virtio/mmio_discover.c \
                             lib/virtio/mmio_words.c
obj-$(CONFIG_VIRTIO_PCI) += lib/virtio/pci.c lib/virtio/pci_caps.c \
                            lib/virtio/pci_modern.c lib/virtio/pci_legacy.c
obj-$(CONFIG_VIRTIO_BLK) += lib/virtio/blk.c
obj-$(CONFIG_VIRTIO_NET) += lib/virtio/net.c lib/virtio/net_csum.c
obj-$(CONFIG_VIRTIO_RNG) += lib/virtio/rng.c
