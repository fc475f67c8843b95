/* Memory maps: the raw regions a loader or firmware reports, and the one
 * sanitiser that turns them into sorted, merged, page-aligned usable RAM. */
#ifndef TERN_MEMMAP_H
#define TERN_MEMMAP_H

#include <stdint.h>
#include <tern/boot_info.h> /* struct mem_region, mem_range */


struct memmap_report {
    unsigned empty;    /* zero-size entries skipped */
    unsigned unsorted; /* entries starting below their predecessor */
    unsigned overlaps; /* pairs of entries that overlap */
};

enum memmap_status {
    MEMMAP_OK = 0,
    MEMMAP_WRAPS,        /* an entry runs past 2^64 */
    MEMMAP_TOO_MANY,     /* result does not fit in the output table */
    MEMMAP_NO_RAM,       /* nothing usable left */
};

/* Usable RAM = RAM entries, minus every non-RAM entry, minus reserved[],
 * page-aligned inwards, sorted and merged.  On MEMMAP_WRAPS *bad_index
 * names the entry. */
enum memmap_status memmap_sanitise(const struct mem_region *raw, unsigned n,
                                   const struct mem_range *reserved,
                                   unsigned nreserved, struct mem_range *out,
                                   unsigned cap, unsigned *nout,
                                   struct memmap_report *report,
                                   unsigned *bad_index);

/* True when [start, end) lies wholly inside the union of the entries of
 * this type (0: any type); adjacent entries may share the range. */
int memmap_covers(const struct mem_region *raw, unsigned n, uint32_t type,
                  uint64_t start, uint64_t end);

/* True when any RAM entry shares a byte with [start, end). */
int memmap_has_ram(const struct mem_region *raw, unsigned n, uint64_t start,
                   uint64_t end);

/* The end of the highest RAM entry (entries that wrap ignored). */
uint64_t memmap_ram_top(const struct mem_region *raw, unsigned n);
/* The lowest align-aligned [at, at + size) at or above from, below
 * limit, that no entry of any type touches; 0 when there is none.  align
 * is a power of two. */
uint64_t memmap_find_hole(const struct mem_region *raw, unsigned n,
                          uint64_t from, uint64_t size, uint64_t align,
                          uint64_t limit);

const char *mem_type_name(uint32_t type);

/* [a, a + alen) and [b, b + blen) share a byte (ends assumed not to wrap). */
/* Sort r[0..n) by start and fold overlapping and touching ranges
 * together; the new count. */
unsigned mem_ranges_normalise(struct mem_range *r, unsigned n);

static inline int ranges_overlap(uint64_t a, uint64_t alen, uint64_t b,
                                 uint64_t blen)
{
    return a < b + blen && b < a + alen;
}

/* True when both maps hold the same non-empty entries, in any order. */
int memmap_same(const struct mem_region *a, unsigned na,
                const struct mem_region *b, unsigned nb);

/* Parse QEMU fw_cfg "etc/e820" (20-byte little-endian records); returns
 * the number of entries, or -1 when len is not a whole number of them or
 * they do not fit. */
int e820_parse(const uint8_t *buf, unsigned len, struct mem_region *out,
               unsigned cap);

#endif
