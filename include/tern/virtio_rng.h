/* virtio-rng (lib/virtio/rng.c): registers the driver; each device found
 * then feeds the entropy pool (docs/entropy.md). */
#ifndef TERN_VIRTIO_RNG_H
#define TERN_VIRTIO_RNG_H

void virtio_rng_init(void);

#endif
