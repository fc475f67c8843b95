/* Page-frame allocator over the sanitised map.  It keeps a table of free
 * ranges and never writes into the memory it manages, so it works before
 * that memory is mapped and is testable on the host. */
#ifndef TERN_PAGE_ALLOC_H
#define TERN_PAGE_ALLOC_H

#include <stdint.h>
#include <tern/memmap.h>

#define PAGE_ALLOC_MAX_RANGES 256

struct page_allocator {
    struct mem_range free[PAGE_ALLOC_MAX_RANGES]; /* sorted, disjoint */
    unsigned nfree;
    uint64_t total_pages;
    uint64_t free_pages;
    uint64_t leaked_pages; /* frees refused because the table was full */
};

void page_alloc_init(struct page_allocator *pa, const struct mem_range *ram,
                     unsigned n);

/* Lowest-addressed run of npages whose end is at or below limit (use
 * UINT64_MAX for any); 0 when there is none (page 0 is never handed out). */
uint64_t page_alloc_below(struct page_allocator *pa, uint64_t npages,
                          uint64_t limit);

/* 0 on success; -1 when the run is misaligned, overlaps free memory
 * (a double free) or wraps. */
int page_free(struct page_allocator *pa, uint64_t paddr, uint64_t npages);

#endif
