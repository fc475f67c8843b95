/*
 * start_info as the ABI describes it (xen/arch-x86/hvm/start_info.h), and
 * the ways a hostile or careless loader gets it wrong.  Legal oddities
 * (newer version, no map, unsorted map) are faults too: the guest must
 * boot through them.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <xen/arch-x86/hvm/start_info.h>
#include "build.h"

#define SI_OFF 0x0
#define MAP_OFF 0x100
#define MAP_MAX ((0x1000 - MAP_OFF) / sizeof(struct hvm_memmap_table_entry))
#define CMD_OFF 0x1000
#define CMD_LEN 0x1000
#define MODLIST_OFF 0x2000
#define MODCMD_OFF 0x2100

const struct fault pvh_faults[] = {
    {"none", "a well-formed start_info"},
    {"bad-magic", "magic is not 0x336ec578"},
    {"version-2", "version 2 (legal: newer versions are compatible)"},
    {"version-0", "version 0: no memory map fields (legal)"},
    {"no-memmap", "version 1 with memmap_entries 0 (legal)"},
    {"memmap-unsorted", "the memory map in reverse order (legal)"},
    {"memmap-overlap", "a RAM entry overlapping another (legal)"},
    {"memmap-empty-entry", "an extra zero-size entry (legal)"},
    {"memmap-wrap", "an entry whose end wraps past 2^64"},
    {"memmap-huge-count", "memmap_entries 100000"},
    {"memmap-no-ram", "every entry reserved: no RAM"},
    {"memmap-apic-ram", "RAM at 0xfec00000-0xfef00000, the interrupt "
                        "controllers' registers"},
    {"cmdline-outside-ram", "cmdline_paddr far past the end of RAM"},
    {"cmdline-unterminated", "4 KiB of cmdline without a NUL"},
    {"modules-huge-count", "nr_modules 100000"},
    {"modlist-null", "nr_modules 1 with modlist_paddr 0"},
    {"module-past-ram", "a module running past the end of the memory map"},
    {"module-over-image", "a module on top of the loaded kernel"},
    {"module-high", "the module above 4 GiB, alone in its 2 MiB pages "
                    "(zero-padded to 2 MiB + 4 KiB; legal; needs 5G)"},
    {"start-info-in-image", "start_info inside the kernel's .bss"},
    {"rsdp-page0", "rsdp_paddr 0x500: in page 0, which guests unmap"},
};
const unsigned pvh_nfaults = sizeof(pvh_faults) / sizeof(pvh_faults[0]);

struct layout {
    struct hvm_start_info *si;
    struct hvm_memmap_table_entry *map;
    struct hvm_modlist_entry *mods;
    uint8_t *area;
    uint64_t paddr;
};

static void well_formed(const struct build_input *in, struct layout *l)
{
    struct hvm_start_info *si = l->si;

    memset(l->area, 0, LOADER_AREA_SIZE);
    si->magic = XEN_HVM_START_MAGIC_VALUE;
    si->version = 1;
    si->rsdp_paddr = in->rsdp;
    si->memmap_paddr = l->paddr + MAP_OFF;
    si->memmap_entries = in->nmap;
    for (unsigned i = 0; i < in->nmap; i++)
        l->map[i] = (struct hvm_memmap_table_entry){
            in->memmap[i].addr, in->memmap[i].size, in->memmap[i].type, 0};
    si->cmdline_paddr = l->paddr + CMD_OFF;
    snprintf((char *)l->area + CMD_OFF, CMD_LEN, "%s", in->cmdline);
    if (in->module_size) {
        si->nr_modules = 1;
        si->modlist_paddr = l->paddr + MODLIST_OFF;
        l->mods[0].paddr = in->module_paddr;
        l->mods[0].size = in->module_size;
        l->mods[0].cmdline_paddr = l->paddr + MODCMD_OFF;
        snprintf((char *)l->area + MODCMD_OFF, 0x100, "%s",
                 in->module_cmdline);
    }
}

static void reverse_map(struct layout *l)
{
    unsigned n = l->si->memmap_entries;

    for (unsigned i = 0; i < n / 2; i++) {
        struct hvm_memmap_table_entry t = l->map[i];

        l->map[i] = l->map[n - 1 - i];
        l->map[n - 1 - i] = t;
    }
}

static void append_entry(struct layout *l, uint64_t addr, uint64_t size,
                         uint32_t type)
{
    l->map[l->si->memmap_entries++] =
        (struct hvm_memmap_table_entry){addr, size, type, 0};
}

/* Apply one fault; 0, or -1 for a name not in pvh_faults. */
static int inject(const char *fault, const struct build_input *in,
                  struct layout *l, uint64_t *si_paddr)
{
    struct hvm_start_info *si = l->si;

    if (!strcmp(fault, "none") || !strcmp(fault, "module-high"))
        return 0; /* module-high: the caller moved the module already */
    if (!strcmp(fault, "bad-magic"))
        si->magic = 0x12345678;
    else if (!strcmp(fault, "version-2"))
        si->version = 2;
    else if (!strcmp(fault, "version-0"))
        si->version = 0;
    else if (!strcmp(fault, "no-memmap"))
        si->memmap_entries = 0;
    else if (!strcmp(fault, "memmap-unsorted"))
        reverse_map(l);
    else if (!strcmp(fault, "memmap-overlap"))
        append_entry(l, in->image_start & ~0xfffull, 0x200000, 1);
    else if (!strcmp(fault, "memmap-empty-entry"))
        append_entry(l, 0, 0, 0);
    else if (!strcmp(fault, "memmap-wrap"))
        append_entry(l, 0xfffffffffffff000ull, 0x2000, 2);
    else if (!strcmp(fault, "memmap-huge-count"))
        si->memmap_entries = 100000;
    else if (!strcmp(fault, "memmap-apic-ram"))
        append_entry(l, 0xfec00000, 0x300000, 1);
    else if (!strcmp(fault, "memmap-no-ram"))
        for (unsigned i = 0; i < si->memmap_entries; i++)
            l->map[i].type = 2;
    else if (!strcmp(fault, "cmdline-outside-ram"))
        si->cmdline_paddr = 0xfff000000000ull;
    else if (!strcmp(fault, "cmdline-unterminated"))
        memset(l->area + CMD_OFF, 'x', CMD_LEN);
    else if (!strcmp(fault, "modules-huge-count")) {
        si->nr_modules = 100000;
        si->modlist_paddr = l->paddr + MODLIST_OFF;
    } else if (!strcmp(fault, "modlist-null")) {
        si->nr_modules = 1;
        si->modlist_paddr = 0;
    } else if (!strcmp(fault, "module-past-ram")) {
        si->nr_modules = 1;
        si->modlist_paddr = l->paddr + MODLIST_OFF;
        l->mods[0] = (struct hvm_modlist_entry){in->map_end - 0x1000,
                                                 0x10000, 0, 0};
    } else if (!strcmp(fault, "module-over-image")) {
        si->nr_modules = 1;
        si->modlist_paddr = l->paddr + MODLIST_OFF;
        l->mods[0] = (struct hvm_modlist_entry){in->image_start, 0x1000, 0,
                                                 0};
    } else if (!strcmp(fault, "rsdp-page0")) {
        si->rsdp_paddr = 0x500; /* no RSDP there: BIOS data or nothing */
    } else if (!strcmp(fault, "start-info-in-image")) {
        /* The image's last bytes: .bss, which the kernel zeroes. */
        *si_paddr = in->image_end - 0x100; /* the caller copies it there */
    } else {
        return -1;
    }
    return 0;
}

uint64_t pvh_build(const struct build_input *in, const char *fault,
                   uint8_t *area, uint64_t area_paddr, char *why,
                   unsigned whylen)
{
    struct layout l = {(struct hvm_start_info *)(area + SI_OFF),
                       (struct hvm_memmap_table_entry *)(area + MAP_OFF),
                       (struct hvm_modlist_entry *)(area + MODLIST_OFF),
                       area, area_paddr};
    uint64_t si_paddr = area_paddr + SI_OFF;

    if (in->nmap + 1 > MAP_MAX) {
        snprintf(why, whylen, "memory map of %u entries does not fit",
                 in->nmap);
        return 0;
    }
    well_formed(in, &l);
    if (inject(fault, in, &l, &si_paddr)) {
        snprintf(why, whylen, "unknown fault '%s' (pvhload --list names "
                              "them)", fault);
        return 0;
    }
    return si_paddr;
}
