/* Where a kernel's segments may go.  Writing one over memory pvhload is
 * still using corrupts the loader before it jumps: at -m 64M its heap sat
 * at 1 MiB, where kernels go, and its last printf wrote stdout's buffer
 * into the kernel's entry code. */
#include <stdio.h>
#include "place.h"

/* The free range holding p, or 0. */
static const struct mem_range *free_at(const struct place_input *in,
                                       uint64_t p)
{
    for (unsigned i = 0; i < in->nfree; i++)
        if (in->free[i].start <= p && p < in->free[i].end)
            return &in->free[i];
    return 0;
}

/* The lowest free address above p, or end. */
static uint64_t next_free(const struct place_input *in, uint64_t p,
                          uint64_t end)
{
    for (unsigned i = 0; i < in->nfree; i++)
        if (in->free[i].start > p && in->free[i].start < end)
            end = in->free[i].start;
    return end;
}

/* The first part of [start, end) the allocator has handed out: pages in
 * the allocator's RAM that are no longer free.  0 when there is none. */
static int allocated_part(const struct place_input *in, uint64_t start,
                          uint64_t end, struct mem_range *hit)
{
    for (unsigned i = 0; i < in->nusable; i++) {
        uint64_t p = in->usable[i].start > start ? in->usable[i].start : start;
        uint64_t e = in->usable[i].end < end ? in->usable[i].end : end;
        const struct mem_range *f;

        while (p < e) {
            if ((f = free_at(in, p)) != 0) {
                p = f->end;
                continue;
            }
            *hit = (struct mem_range){p, next_free(in, p, e)};
            return 1;
        }
    }
    return 0;
}

static int overlaps(uint64_t paddr, uint64_t size, struct mem_range r)
{
    return r.end > r.start && ranges_overlap(paddr, size, r.start,
                                             r.end - r.start);
}

int place_check(const struct place_input *in, uint64_t paddr, uint64_t size,
                char *why, unsigned whylen)
{
    uint64_t end = paddr + size;
    const char *what = 0;
    struct mem_range hit;

    if (!memmap_covers(in->memmap, in->nmap, MEM_TYPE_RAM, paddr, end)) {
        snprintf(why, whylen, "segment 0x%llx-0x%llx is not RAM in the "
                 "memory map", (unsigned long long)paddr,
                 (unsigned long long)end);
        return -1;
    }
    if (paddr < PAGE_SIZE) {
        hit = (struct mem_range){0, PAGE_SIZE};
        what = "page 0 (unmapped: NULL dereferences fault)";
    } else if (overlaps(paddr, size, in->self)) {
        hit = in->self;
        what = "pvhload's image (code, data, stacks, the start_info it "
               "builds)";
    } else if (overlaps(paddr, size, in->module)) {
        hit = in->module;
        what = "the kernel's ELF file (module 0)";
    } else if (allocated_part(in, paddr, end, &hit)) {
        what = "memory pvhload uses (heap, stacks, page tables)";
    } else {
        return 0;
    }
    snprintf(why, whylen, "segment 0x%llx-0x%llx collides with %s at "
             "0x%llx-0x%llx", (unsigned long long)paddr,
             (unsigned long long)end, what, (unsigned long long)hit.start,
             (unsigned long long)hit.end);
    return -1;
}
