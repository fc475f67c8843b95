/* struct boot_info: the kernel's own copy of everything the loader said.
 * Every entry protocol fills it and calls boot_main(); nothing after that
 * looks at the loader's structures. */
#ifndef TERN_BOOT_INFO_H
#define TERN_BOOT_INFO_H

#include <stdbool.h>
#include <stdint.h>

#define MEM_TYPE_RAM 1 /* as XEN_HVM_MEMMAP_TYPE_RAM and E820 type 1 */
#define PAGE_SIZE 4096ull

struct mem_region { /* as reported: may be unsorted, overlapping, empty */
    uint64_t addr;
    uint64_t size;
    uint32_t type;
};

struct mem_range { /* [start, end) */
    uint64_t start;
    uint64_t end;
};

#define BOOT_MAX_MODULES 16
#define BOOT_MAX_MEMMAP 128
#define BOOT_CMDLINE_MAX 2048
#define BOOT_MOD_CMDLINE_MAX 256

struct boot_module {
    bool present;  /* false when the loader gave address 0 */
    uint64_t paddr;
    uint64_t size;
    uint64_t cmdline_paddr;
    char cmdline[BOOT_MOD_CMDLINE_MAX];
};

struct boot_info {
    /* start_info as received */
    uint64_t start_info_paddr;
    uint32_t magic;
    uint32_t version;     /* as received; >1 is read as 1 */
    uint32_t flags;
    uint32_t nr_modules;
    uint64_t modlist_paddr;
    uint64_t cmdline_paddr;
    uint64_t rsdp_paddr;
    uint64_t memmap_paddr;
    uint32_t memmap_entries;
    /* fields the ABI says must be zero, as received (for pvhcheck) */
    uint32_t si_reserved;
    unsigned memmap_reserved_nonzero; /* entries with reserved != 0 */
    unsigned modlist_reserved_nonzero;

    /* copies */
    char cmdline[BOOT_CMDLINE_MAX];
    struct boot_module modules[BOOT_MAX_MODULES];
    struct mem_region memmap[BOOT_MAX_MEMMAP]; /* as received */
    unsigned memmap_count;
    const char *memmap_source; /* "start_info", "fw_cfg etc/e820", ... */

    /* what the free pool must exclude: the image, the loader's data */
    struct mem_range reserved[2 * BOOT_MAX_MODULES + 8];
    unsigned reserved_count;

    /* the kernel image, so nothing is placed on top of it */
    uint64_t image_start;
    uint64_t image_end;
};

#endif
