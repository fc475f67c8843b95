/* virtio-rng (lib/virtio/rng.c): registers the driver; each device found
 * then feeds the entropy pool (docs/entropy.md). */
#ifndef TERN_VIRTIO_RNG_H
#define TERN_VIRTIO_RNG_H

struct virtio_dev;

void virtio_rng_init(void);
/* The driver's probe, called by the registry (and by the unit tests with
 * a simulated device): 0 when it took the device. */
int virtio_rng_probe(struct virtio_dev *dev);

#endif
