/* The x86-64 page-table walker: every change to the identity map (RAM,
 * present/absent, uncached MMIO, write and execute protection) goes
 * through pt_map and pt_change.  Pure logic on tables reached through
 * callbacks, so the host unit tests run it on fake memory. */
#ifndef TERN_PAGETABLE_H
#define TERN_PAGETABLE_H

#include <stdint.h>

/* Attribute bits, as they sit in a 4 KiB page-table entry. */
#define PT_P (1ull << 0)
#define PT_W (1ull << 1)
#define PT_PWT (1ull << 3)
#define PT_PCD (1ull << 4)
#define PT_NX (1ull << 63)
#define PT_ATTRS (PT_P | PT_W | PT_PWT | PT_PCD | PT_NX)

/* Identity maps must be canonical lower-half addresses. */
#define PT_ADDR_LIMIT (1ull << 47)

#define PT_DATA (PT_P | PT_W | PT_NX)
#define PT_MMIO (PT_P | PT_W | PT_PCD | PT_PWT | PT_NX)

struct pagetable {
    uint64_t root; /* physical address of the PML4 */
    /* A 4 KiB page for a table (physical address), 0 when none is left. */
    uint64_t (*alloc)(void *ctx);
    /* Where the caller sees the table at a physical address. */
    uint64_t *(*table)(void *ctx, uint64_t paddr);
    void *ctx;
    /* Attribute bits the CPU accepts: PT_NX only once EFER.NXE is on
     * (it is a reserved bit before, and a reserved bit faults). */
    uint64_t supported;
};

enum pt_status { PT_OK = 0, PT_NO_MEMORY = -1, PT_BAD_RANGE = -2 };

/* Identity-map [start, end), rounded out to 4 KiB pages, with attrs
 * (PT_* bits): 2 MiB pages where a whole aligned 2 MiB is asked for,
 * 4 KiB pages elsewhere.  Whatever mapped those pages before is
 * replaced; the other pages of a 2 MiB page that must be split keep
 * their attributes. */
enum pt_status pt_map(const struct pagetable *pt, uint64_t start,
                      uint64_t end, uint64_t attrs);

/* Set, then clear, attribute bits of the pages of [start, end) that are
 * mapped (present or not: an absent page keeps its address and
 * attributes); pages never mapped stay unmapped. */
enum pt_status pt_change(const struct pagetable *pt, uint64_t start,
                         uint64_t end, uint64_t set, uint64_t clear);

/* The attributes (PT_* bits) of the entry mapping addr, its page size
 * in *page_size; 0 (and *page_size 0) when addr was never mapped. */
uint64_t pt_lookup(const struct pagetable *pt, uint64_t addr,
                   uint64_t *page_size);

#endif
