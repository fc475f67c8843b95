/*
 * The kernel's allocator: drivers and the runtime allocate before and
 * apart from the app, and the C library's malloc is this too, so memory
 * is taken from the page allocator on demand, not set aside at boot.
 * Small blocks (up to 2 KiB) come from size classes (pools of whole pages,
 * given back when empty), large ones are page runs given back on free.
 * Physical == virtual (identity map), so every block is also DMA-able at
 * its own address.
 */
#ifndef TERN_KALLOC_H
#define TERN_KALLOC_H

#include <stddef.h>
#include <stdint.h>

/* 16-byte aligned; NULL when memory runs out (or for a size past what
 * RAM could ever hold). */
void *kmalloc(size_t n);
void *kzalloc(size_t n);
/* align: a power of two; NULL for any other.  Costs n + align bytes
 * (align at least 16), from a size class while that fits in 2 KiB. */
void *kmalloc_aligned(size_t n, size_t align);
/* NULL is ignored; a pointer kmalloc did not give, or gave and got back,
 * is fatal, naming it. */
void kfree(void *p);
/* Bytes usable at p (at least what was asked). */
size_t kmalloc_usable(const void *p);

/* Whole zeroed pages, physically contiguous: rings and DMA buffers. */
void *kalloc_pages(size_t bytes);
void kfree_pages(void *p, size_t bytes);

struct kalloc_stats {
    uint64_t in_use, peak; /* bytes handed out and not freed, and the most */
    uint64_t allocs, frees;
};
const struct kalloc_stats *kalloc_stats(void);

#endif
