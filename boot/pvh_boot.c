/* PVH entry, C side: called by arch/x86_64/pvh_entry.S in long mode with
 * the start_info address.  Copies what the loader gave into boot_info,
 * then joins boot_main().  Nothing after this file sees start_info. */
#include <tern/acpi.h>
#include <tern/arch.h>
#include <tern/boot.h>
#include <tern/bootstats.h>
#include <tern/console.h>
#include <tern/entry_state.h>
#include <tern/exit.h>
#include <tern/fwcfg.h>
#include <tern/log.h>
#include <tern/mm.h>
#include <tern/pvh.h>
#include <tern/xen.h>
#include <tern/config.h>
#include <xen/arch-x86/hvm/start_info.h>

#define LEGACY_HOLE_START 0x9f000ull /* EBDA, VGA, option and BIOS ROMs */
#define LEGACY_HOLE_END 0x100000ull

extern char _image_start[], _image_end[];

static struct boot_info boot_info;

/* fw_cfg's map calls the firmware's ACPI tables RAM (they sit at the top
 * of low RAM): an app that fills memory would overwrite them and power-off
 * would find no FADT.  Mark them ACPI, as the firmware's own map does. */
static unsigned add_acpi_tables(struct boot_info *bi, unsigned n)
{
    enum { MAX_RANGES = 8 };
    struct mem_range tables[MAX_RANGES];
    uint64_t rsdp = acpi_find_rsdp(&boot_low_window, bi->rsdp_paddr);
    int found = rsdp ? acpi_table_extents(&boot_low_window, rsdp, tables,
                                          MAX_RANGES)
                     : 0;
    unsigned count = found < 0 ? MAX_RANGES : (unsigned)found;

    if (found < 0 || count > BOOT_MAX_MEMMAP - n) {
        pr_warn("memmap: the ACPI tables under the RSDP at 0x%llx lie in "
                "more ranges than the map has room for; some may be "
                "overwritten",
                (unsigned long long)rsdp);
        if (count > BOOT_MAX_MEMMAP - n)
            count = BOOT_MAX_MEMMAP - n;
    }
    for (unsigned i = 0; i < count; i++)
        bi->memmap[n++] = (struct mem_region){
            tables[i].start, tables[i].end - tables[i].start,
            XEN_HVM_MEMMAP_TYPE_ACPI};
    return n;
}

/* start_info version 0 (or a v1 without a map): on QEMU the E820 table
 * QEMU gives the firmware is in fw_cfg.  It is QEMU's view, before the
 * firmware's own carve-outs: it calls 0-0xc0000000 RAM straight through
 * the VGA hole and the BIOS ROM and the ACPI tables, so the legacy area is
 * added as reserved and the tables as ACPI.
 * Under Xen the map comes from the hypervisor (XENMEM_memory_map), which
 * the Xen support adds. */
static void find_memmap_elsewhere(struct boot_info *bi)
{
    int n;

#ifdef CONFIG_XEN
    if (xen_present()) {
        n = xen_memory_map(bi->memmap, BOOT_MAX_MEMMAP);
        if (n <= 0)
            tern_fatal(TERN_EXIT_BAD_MEMMAP,
                       "start_info version %u gives no memory map and "
                       "XENMEM_memory_map failed (%d)",
                       bi->version, n);
        bi->memmap_count = (unsigned)n;
        bi->memmap_source = "XENMEM_memory_map";
        return;
    }
#endif
    n = fwcfg_read_e820(bi->memmap, BOOT_MAX_MEMMAP - 1);

    if (n > 0) {
        bi->memmap[n++] = (struct mem_region){LEGACY_HOLE_START,
                                              LEGACY_HOLE_END -
                                                  LEGACY_HOLE_START,
                                              XEN_HVM_MEMMAP_TYPE_RESERVED};
        n = (int)add_acpi_tables(bi, (unsigned)n);
    }
    if (n <= 0)
        tern_fatal(TERN_EXIT_BAD_MEMMAP,
                   "start_info version %u gives no memory map and QEMU "
                   "fw_cfg has no etc/e820",
                   bi->version);
    bi->memmap_count = (unsigned)n;
    bi->memmap_source = "fw_cfg etc/e820";
}

/* Both start_info and Xen gave a map (a PVH domU): they should agree. */
static void cross_check_xen_memmap(const struct boot_info *bi)
{
#ifdef CONFIG_XEN
    static struct mem_region xen_map[BOOT_MAX_MEMMAP];
    int n;

    if (!xen_present())
        return;
    n = xen_memory_map(xen_map, BOOT_MAX_MEMMAP);
    if (n < 0)
        pr_warn("xen: XENMEM_memory_map failed (%d); using start_info's map",
                n);
    else if (!memmap_same(bi->memmap, bi->memmap_count, xen_map, (unsigned)n))
        pr_warn("xen: start_info's memory map (%u entries) and "
                "XENMEM_memory_map's (%d) differ; using start_info's",
                bi->memmap_count, n);
#else
    (void)bi;
#endif
}

void pvh_start_c(uint32_t start_info_paddr)
{
    struct boot_info *bi = &boot_info;
    struct pvh_error err;

    entry_state_finish();
    gdt_init();
    traps_init();
    console_init();
    boot_mark("console");
#ifdef CONFIG_XEN
    if (xen_init() == 0) {
        xen_console_init();
        /* A domU's console_io output is dropped by a non-debug Xen; its
         * log still shows port 0xe9.  A dom0 has no PV console. */
        if (xen_pv_console_init() == 0)
            debugcon_register_xen();
    }
#endif
    bi->image_start = (uintptr_t)_image_start;
    bi->image_end = (uintptr_t)_image_end;
    if (pvh_read_header(&boot_low_window, start_info_paddr, bi, &err))
        tern_fatal(err.status, "%s", err.msg);
    if (bi->memmap_count == 0)
        find_memmap_elsewhere(bi);
    else
        cross_check_xen_memmap(bi);
    mm_check_image(bi); /* a map without the kernel in RAM: say that first */
    if (pvh_copy_payload(&boot_low_window, bi, &err))
        tern_fatal(err.status, "%s", err.msg);
    bi->reserved_count = pvh_reserved_ranges(
        bi, bi->reserved, sizeof(bi->reserved) / sizeof(bi->reserved[0]));
    boot_mark("start_info");
    boot_main(bi);
}
