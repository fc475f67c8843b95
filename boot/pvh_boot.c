/* PVH entry, C side: called by arch/x86_64/pvh_entry.S in long mode with
 * the start_info address.  Copies what the loader gave into boot_info,
 * then joins boot_main().  Nothing after this file sees start_info. */
#include <tern/acpi.h>
#include <tern/arch.h>
#include <tern/boot.h>
#include <tern/bootstats.h>
#include <tern/entry_state.h>
#include <tern/exit.h>
#include <tern/log.h>
#include <tern/mm.h>
#include <tern/platform.h>
#include <tern/pvh.h>
#include <tern/config.h>

extern char _image_start[], _image_end[];

static struct boot_info boot_info;

/* start_info version 0 (or a v1 without a map): the platform has one
 * (fw_cfg's E820 table on QEMU, XENMEM_memory_map under Xen). */
static void find_memmap_elsewhere(struct boot_info *bi)
{
    int n = platform.memmap(bi->memmap, BOOT_MAX_MEMMAP, &bi->memmap_source);

    if (n <= 0)
        tern_fatal(TERN_EXIT_BAD_MEMMAP,
                   "start_info version %u gives no memory map and the %s "
                   "platform has none either",
                   bi->version, platform.name);
    bi->memmap_count = (unsigned)n;
}

void pvh_start_c(uint32_t start_info_paddr)
{
    struct boot_info *bi = &boot_info;
    struct pvh_error err;

    entry_state_finish();
    gdt_init();
    traps_init();
    platform_init(); /* consoles first: everything after may report */
    boot_mark("console");
    bi->image_start = (uintptr_t)_image_start;
    bi->image_end = (uintptr_t)_image_end;
    if (pvh_read_header(&boot_low_window, start_info_paddr, bi, &err))
        tern_fatal(err.status, "%s", err.msg);
    acpi_set_rsdp_hint(bi->rsdp_paddr); /* where the tables are, from now */
    if (bi->memmap_count == 0)
        find_memmap_elsewhere(bi);
    else if (platform.memmap_check)
        platform.memmap_check(bi->memmap, bi->memmap_count);
    mm_check_image(bi); /* a map without the kernel in RAM: say that first */
    if (pvh_copy_payload(&boot_low_window, bi, &err))
        tern_fatal(err.status, "%s", err.msg);
    bi->reserved_count = pvh_reserved_ranges(
        bi, bi->reserved, sizeof(bi->reserved) / sizeof(bi->reserved[0]));
    boot_mark("start_info");
    boot_main(bi);
}
