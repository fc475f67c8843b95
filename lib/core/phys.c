/* Reads through a physical-memory window, with every bound checked. */
#include <string.h>
#include <tern/phys.h>

const struct phys_window boot_low_window = {0, 4ull << 30, 0};

const uint8_t *phys_map(const struct phys_window *w, uint64_t paddr,
                        size_t len)
{
    uint64_t off = paddr - w->base;

    if (paddr < w->base || off > w->size || len > w->size - off)
        return 0;
    return (const uint8_t *)(w->host_base + (uintptr_t)off);
}

bool phys_read(const struct phys_window *w, uint64_t paddr, void *dst,
               size_t len)
{
    const uint8_t *p = phys_map(w, paddr, len);

    if (!p)
        return false;
    memcpy(dst, p, len);
    return true;
}

bool phys_read_u8(const struct phys_window *w, uint64_t paddr, uint8_t *v)
{
    return phys_read(w, paddr, v, 1);
}
