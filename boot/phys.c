/* Reads through a physical-memory window, with every bound checked. */
#include <string.h>
#include <tern/phys.h>

bool phys_read(const struct phys_window *w, uint64_t paddr, void *dst,
               size_t len)
{
    uint64_t off = paddr - w->base;

    if (paddr < w->base || off > w->size || len > w->size - off)
        return false;
    memcpy(dst, (const void *)(w->host_base + (uintptr_t)off), len);
    return true;
}

bool phys_read_u8(const struct phys_window *w, uint64_t paddr, uint8_t *v)
{
    return phys_read(w, paddr, v, 1);
}
