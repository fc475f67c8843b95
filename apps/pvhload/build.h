/* Building the start_info a PVH kernel receives, with an optional named
 * fault injected.  Pure logic over a buffer and its physical address. */
#ifndef PVHLOAD_BUILD_H
#define PVHLOAD_BUILD_H

#include <stdint.h>
#include <tern/memmap.h>

#define LOADER_AREA_SIZE 0x3000

struct build_input {
    const struct mem_region *memmap;
    unsigned nmap;
    const char *cmdline;
    uint64_t module_paddr, module_size; /* 0 size: no module */
    const char *module_cmdline;
    uint64_t image_start, image_end; /* the kernel as loaded */
    uint64_t map_end;                /* end of the highest map entry */
    uint64_t rsdp;
};

struct fault {
    const char *name;
    const char *what; /* for --list and the docs */
};

extern const struct fault pvh_faults[];
extern const unsigned pvh_nfaults;

/* Lay out start_info, memory map, cmdline, module list and module cmdline
 * in area (physical address area_paddr), then apply the fault.  Returns
 * the physical address of start_info, or 0 with why[] set (unknown fault,
 * map too large). */
uint64_t pvh_build(const struct build_input *in, const char *fault,
                   uint8_t *area, uint64_t area_paddr, char *why,
                   unsigned whylen);

#endif
