/* A window onto physical memory.  Parsers of loader- and firmware-supplied
 * data read only through it, so the same code runs on the host against a
 * buffer (unit tests, fuzzing) and in the kernel against the identity map. */
#ifndef TERN_PHYS_H
#define TERN_PHYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct phys_window {
    uint64_t base;       /* first physical address readable */
    uint64_t size;       /* bytes readable from base */
    uintptr_t host_base; /* where base is visible to this program */
};

/* Identity-mapped [0, 4 GiB) as the entry code leaves it. */
extern const struct phys_window boot_low_window;

/* Copy [paddr, paddr + len) into dst; false, and dst untouched, when any
 * byte of it lies outside the window. */
bool phys_read(const struct phys_window *w, uint64_t paddr, void *dst,
               size_t len);

bool phys_read_u8(const struct phys_window *w, uint64_t paddr, uint8_t *v);

/* A pointer to [paddr, paddr + len) when all of it is in the window, else
 * NULL: for scanning whole tables without a copy. */
const uint8_t *phys_map(const struct phys_window *w, uint64_t paddr,
                        size_t len);

#endif
