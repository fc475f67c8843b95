/* Page-frame allocator over the sanitised map.  It keeps a table of free
 * ranges and never writes into the memory it manages, so it works before
 * that memory is mapped and is testable on the host; with a table_at hook
 * (the kernel's, once RAM is mapped) a full table moves into pages of its
 * own, twice the size, instead of dropping a free. */
#ifndef TERN_PAGE_ALLOC_H
#define TERN_PAGE_ALLOC_H

#include <stdint.h>
#include <tern/memmap.h>

#define PAGE_ALLOC_MAX_RANGES 256

struct page_allocator {
    struct mem_range *free; /* sorted, disjoint: first_free, or grown */
    unsigned nfree, capacity;
    uint64_t free_table;    /* the pages holding a grown table, or 0 */
    struct mem_range first_free[PAGE_ALLOC_MAX_RANGES];
    /* Where the bytes of allocated pages at paddr can be written (the
     * kernel: the identity map); NULL: the table never grows. */
    void *(*table_at)(uint64_t paddr, uint64_t bytes);
    /* What it was given: a page inside these and outside free[] is
     * allocated, so a free of anything else is refused. */
    struct mem_range managed[PAGE_ALLOC_MAX_RANGES];
    unsigned nmanaged;
    uint64_t total_pages;
    uint64_t free_pages;
    uint64_t leaked_pages; /* frees dropped: the table full, not grown */
};

/* table_at is left NULL: set it after, when it may be used. */
void page_alloc_init(struct page_allocator *pa, const struct mem_range *ram,
                     unsigned n);

/* Lowest-addressed run of npages whose end is at or below limit (use
 * UINT64_MAX for any); 0 when there is none (page 0 is never handed out). */
uint64_t page_alloc_below(struct page_allocator *pa, uint64_t npages,
                          uint64_t limit);

enum page_free_error {
    PAGE_FREE_BAD_RUN = -1,   /* page 0, misaligned, empty, or it wraps */
    PAGE_FREE_UNMANAGED = -2, /* not all inside what the allocator manages:
                               * it was never handed out */
    PAGE_FREE_FREE = -3,      /* part of it is free already: a double free */
};

/* 0 on success, else a page_free_error, and nothing is freed. */
int page_free(struct page_allocator *pa, uint64_t paddr, uint64_t npages);

/* The reason for a page_free_error, for the fatal line. */
const char *page_free_error_str(int error);

#endif
