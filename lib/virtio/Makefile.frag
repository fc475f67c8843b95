obj-$(CONFIG_VIRTIO) += lib/virtio/virtio.c
