/* Where a kernel's segments may go: RAM that pvhload itself does not use.
 * Pure logic over the memory map and the runtime's page allocator, unit-
 * tested on the host. */
#ifndef PVHLOAD_PLACE_H
#define PVHLOAD_PLACE_H

#include <stdint.h>
#include <tern/memmap.h>

struct place_input {
    const struct mem_region *memmap; /* the machine's map */
    unsigned nmap;
    /* The allocator's RAM at start, and what is still free now: the
     * difference is pvhload's heap, stacks and page tables. */
    const struct mem_range *usable;
    unsigned nusable;
    const struct mem_range *free;
    unsigned nfree;
    struct mem_range self;   /* pvhload's image: code, data, boot stack,
                                the start_info area, the jump trampoline */
    struct mem_range module; /* the kernel's ELF file, read while loading */
};

/* 0 when [paddr, paddr + size) is RAM that pvhload does not use; else -1
 * with why[] naming the first range it collides with and what that is.
 * size > 0, and the range does not wrap (elf_parse checked both). */
int place_check(const struct place_input *in, uint64_t paddr, uint64_t size,
                char *why, unsigned whylen);

#endif
