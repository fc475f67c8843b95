/* The virtio-mmio transport's checks on values it cannot trust or must
 * not get wrong.  Pure logic, unit-tested on the host. */
#include "mmio_regs.h"

bool mmio_config_access_ok(unsigned config_len, unsigned off, unsigned size)
{
    if (size != 1 && size != 2 && size != 4)
        return false;
    return off % size == 0 && off < config_len && size <= config_len - off;
}

uint16_t mmio_queue_size_cap(uint32_t num_max)
{
    uint32_t size = num_max > VIRTIO_QUEUE_MAX ? VIRTIO_QUEUE_MAX : num_max;

    while (size & (size - 1))
        size &= size - 1; /* drop the lowest bit until one is left */
    return (uint16_t)size;
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
    return (v + a - 1) & ~(a - 1);
}

bool mmio_legacy_layout_ok(const struct virtio_queue_mem *m)
{
    uint64_t n = m->size, avail_end, used_end;

    if (n == 0 || n > VIRTIO_QUEUE_MAX || (n & (n - 1)))
        return false;
    if (m->base % MMIO_LEGACY_PAGE || m->base / MMIO_LEGACY_PAGE > UINT32_MAX)
        return false;
    avail_end = m->base + 16 * n + 6 + 2 * n;
    used_end = align_up(avail_end, VIRTIO_LEGACY_ALIGN) + 6 + 8 * n;
    return m->desc == m->base && m->avail == m->base + 16 * n &&
           m->used == align_up(avail_end, VIRTIO_LEGACY_ALIGN) &&
           m->bytes >= used_end - m->base;
}

const struct mem_region *mmio_slot_in_map(const struct mem_region *map,
                                          unsigned n,
                                          const struct mmio_range *d)
{
    for (unsigned i = 0; i < n; i++) {
        uint64_t end = map[i].addr + map[i].size;

        if (end < map[i].addr) /* a lying entry that wraps: to the top */
            end = UINT64_MAX;
        if (map[i].size && map[i].addr < d->addr + d->size && d->addr < end)
            return &map[i];
    }
    return 0;
}

int mmio_slot_overlap(const struct mmio_range *d,
                      const struct mmio_range *list, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        if (list[i].addr < d->addr + d->size &&
            d->addr < list[i].addr + list[i].size)
            return (int)i;
    return -1;
}
