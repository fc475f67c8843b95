/*
 * start_info against the comment atop xen/arch-x86/hvm/start_info.h:
 * magic, version, reserved fields "must be zero", where each structure,
 * string and module lies, the RSDP, and version 1's memory map.  What the
 * parser refuses (bad magic, unterminated strings, modules outside memory)
 * never reaches here: those boots stop with their own fatal line.
 */
#include <stdio.h>
#include <string.h>
#include <tern/acpi.h>
#include <tern/boot.h>
#include <tern/pvh.h>
#include <tern/tern.h>
#include <xen/arch-x86/hvm/start_info.h>
#include "check.h"

static const struct boot_info *bi;

/* Empty ranges overlap nothing here: a zero-size module is no clash. */
static int overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    return alen && blen && ranges_overlap(a, alen, b, blen);
}

static int in_ram(uint64_t addr, uint64_t len)
{
    return memmap_covers(bi->memmap, bi->memmap_count, MEM_TYPE_RAM, addr,
                         addr + len);
}

static uint64_t image_len(void)
{
    return bi->image_end - bi->image_start;
}

static void check_header(void)
{
    uint64_t len = bi->version >= 1 ? sizeof(struct hvm_start_info) : 40;

    check(bi->magic == XEN_HVM_START_MAGIC_VALUE, "si.magic",
          "0x%08x", bi->magic);
    check(1, "si.version", "%u%s", bi->version,
          bi->version > 1 ? " (newer than 1: read as 1)" : "");
    info("si.flags", "0x%x (SIF_* flags, meaningful under Xen)", bi->flags);
    if (bi->version >= 1)
        check(bi->si_reserved == 0, "si.reserved", "must be zero (0x%x)",
              bi->si_reserved);
    else
        skip("si.reserved", "version 0 has no reserved field");
    check(pvh_in_memory(bi, bi->start_info_paddr, len) &&
              !overlap(bi->start_info_paddr, len, bi->image_start,
                       image_len()),
          "si.location",
          "start_info in memory, clear of the image (0x%llx, %llu bytes)",
          (unsigned long long)bi->start_info_paddr, (unsigned long long)len);
}

static void check_cmdline(void)
{
    uint64_t len = strlen(bi->cmdline) + 1;

    if (!bi->cmdline_paddr) {
        skip("si.cmdline", "cmdline_paddr is 0: no command line");
        return;
    }
    check(pvh_in_memory(bi, bi->cmdline_paddr, len) &&
              !overlap(bi->cmdline_paddr, len, bi->image_start, image_len()),
          "si.cmdline",
          "terminated, in memory, clear of the image (0x%llx, %llu bytes)",
          (unsigned long long)bi->cmdline_paddr, (unsigned long long)len);
}

static void check_module(unsigned i)
{
    const struct boot_module *m = &bi->modules[i];
    char id[24];
    int clash = 0;

    snprintf(id, sizeof(id), "si.module.%u", i);
    if (!m->present) {
        check(0, id, "address 0: the loader passed an absent module");
        return;
    }
    for (unsigned j = 0; j < bi->nr_modules; j++)
        clash |= j != i && bi->modules[j].present &&
                 overlap(m->paddr, m->size, bi->modules[j].paddr,
                         bi->modules[j].size);
    clash |= overlap(m->paddr, m->size, bi->start_info_paddr,
                     sizeof(struct hvm_start_info));
    clash |= bi->cmdline_paddr &&
             overlap(m->paddr, m->size, bi->cmdline_paddr,
                     strlen(bi->cmdline) + 1);
    check(in_ram(m->paddr, m->size) && !clash &&
              !overlap(m->paddr, m->size, bi->image_start, image_len()),
          id,
          "in RAM, clear of the image, start_info, cmdline and other "
          "modules (0x%llx, %llu bytes, cmdline \"%s\")",
          (unsigned long long)m->paddr, (unsigned long long)m->size,
          m->cmdline);
}

static void check_modules(void)
{
    if (bi->nr_modules == 0) {
        skip("si.modlist", "no modules%s",
             bi->modlist_paddr ? " (modlist_paddr set anyway)" : "");
        return;
    }
    check(bi->modlist_paddr % 8 == 0 &&
              pvh_in_memory(bi, bi->modlist_paddr,
                            bi->nr_modules *
                                sizeof(struct hvm_modlist_entry)),
          "si.modlist", "8-byte aligned, in memory (0x%llx, %u entries)",
          (unsigned long long)bi->modlist_paddr, bi->nr_modules);
    check(bi->modlist_reserved_nonzero == 0, "si.modlist.reserved",
          "every entry's reserved field zero (%u are not)",
          bi->modlist_reserved_nonzero);
    for (unsigned i = 0; i < bi->nr_modules; i++)
        check_module(i);
}

static void check_rsdp(void)
{
    unsigned rev = 0;
    bool valid;
    char why[128];

    if (!bi->rsdp_paddr) {
        skip("si.rsdp", "rsdp_paddr is 0: the OS must search for the RSDP");
        return;
    }
    /* Read through acpi_window, as the runtime does at exit: page 0 is
     * unmapped by now (NULL dereferences fault), and reading it through
     * the whole low window was a page fault, not a verdict. */
    if (!phys_map(&acpi_window, bi->rsdp_paddr, 20)) {
        check(0, "si.rsdp", "0x%llx cannot be read: an RSDP in page 0 "
              "(unmapped after boot: Tern's NULL guard) or above 4 GiB",
              (unsigned long long)bi->rsdp_paddr);
        return;
    }
    valid = acpi_rsdp_valid(&acpi_window, bi->rsdp_paddr, &rev);
    check(valid, "si.rsdp",
          "a valid RSDP: signature and checksums (0x%llx, revision %u)",
          (unsigned long long)bi->rsdp_paddr, rev);
    if (!valid)
        return;
    check(acpi_check_root_tables(&acpi_window, bi->rsdp_paddr, why,
                                 sizeof(why)) == 0,
          "si.rsdp.tables", "the RSDT/XSDT it names are valid (%s)", why);
}

static void check_memmap(void)
{
    unsigned bad_type = 0, empty = 0, unsorted = 0, overlaps = 0;
    const struct mem_region *m = bi->memmap;

    if (bi->version < 1) {
        skip("si.memmap", "version 0: no memory map field");
        return;
    }
    if (bi->memmap_entries == 0) {
        skip("si.memmap", "memmap_entries is 0: the map is optional");
        return;
    }
    for (unsigned i = 0; i < bi->memmap_count; i++) {
        bad_type += m[i].type < XEN_HVM_MEMMAP_TYPE_RAM ||
                    m[i].type > XEN_HVM_MEMMAP_TYPE_PMEM;
        empty += m[i].size == 0;
        unsorted += i > 0 && m[i].size && m[i].addr < m[i - 1].addr;
        for (unsigned j = i + 1; j < bi->memmap_count; j++)
            overlaps += overlap(m[i].addr, m[i].size, m[j].addr, m[j].size);
    }
    check(bad_type == 0, "si.memmap.types",
          "every type is one of XEN_HVM_MEMMAP_TYPE_* 1-7 (%u are not)",
          bad_type);
    check(empty == 0, "si.memmap.empty", "no zero-size entries (%u)", empty);
    check(unsorted == 0, "si.memmap.order", "ascending addresses (%u out of "
                                            "order)", unsorted);
    check(overlaps == 0, "si.memmap.overlap", "no overlapping entries (%u "
                                              "pairs)", overlaps);
    check(bi->memmap_reserved_nonzero == 0, "si.memmap.reserved",
          "every entry's reserved field zero (%u are not)",
          bi->memmap_reserved_nonzero);
    check(in_ram(bi->image_start, image_len()), "si.memmap.image",
          "the loaded image 0x%llx-0x%llx is RAM in the map",
          (unsigned long long)bi->image_start,
          (unsigned long long)bi->image_end);
}

void check_start_info(const struct boot_info *b)
{
    bi = b;
    check_header();
    check_cmdline();
    check_modules();
    check_rsdp();
    check_memmap();
}
