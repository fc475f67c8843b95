/*
 * libFuzzer target: the DSDT's virtio-mmio objects (lib/virtio/mmio_dsdt.c).
 * The input is the AML; every slot returned must be within the bounds a
 * transport may map (cmdline.h), and at most the room given.
 */
#include <stdio.h>
#include <stdlib.h>
#include <tern/virtio_mmio.h>

void log_clear(void);

#define ROOM 4

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct mmio_range out[ROOM + 1];
    unsigned n;

    out[ROOM].addr = 0x5a5a5a5a; /* must stay untouched */
    log_clear();
    n = virtio_mmio_dsdt_scan(data, (uint32_t)size, out, ROOM);
    if (n > ROOM || out[ROOM].addr != 0x5a5a5a5a)
        abort();
    for (unsigned i = 0; i < n; i++)
        if (out[i].size < MMIO_SLOT_MIN_SIZE ||
            out[i].size > MMIO_SLOT_MAX_SIZE || out[i].addr % 4 ||
            out[i].gsi < 1 || out[i].gsi > MMIO_SLOT_MAX_GSI)
            abort();
    return 0;
}
