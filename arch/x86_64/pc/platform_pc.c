/*
 * The platform "PC as QEMU presents it" (pc, q35, microvm): 16550 and
 * debugcon consoles, fw_cfg's E820 table when start_info has no map, the
 * TSC measured against the ACPI PM timer or the PIT, the CMOS RTC for the
 * date, the local APIC's timer, isa-debug-exit and ACPI S5.  It is also
 * the base every other platform is merged over (lib/core/platform.c).
 */
#include <tern/acpi.h>
#include <tern/boot_info.h>
#include <tern/config.h>
#include <tern/console.h>
#include <tern/fwcfg.h>
#include <tern/io.h>
#include <tern/log.h>
#include <tern/pc.h>
#include <tern/phys.h>
#include <tern/platform.h>
#include <xen/arch-x86/hvm/start_info.h>

#define LEGACY_HOLE_START 0x9f000ull /* EBDA, VGA, option and BIOS ROMs */
#define LEGACY_HOLE_END 0x100000ull
#define POWEROFF_GRACE_SPINS 50000000 /* QEMU acts on the request async */

void pc_consoles_init(void)
{
    static bool done;

    if (done)
        return;
    done = true;
#ifdef CONFIG_CONSOLE_COM1
    uart16550_init();
#endif
#ifdef CONFIG_CONSOLE_DEBUGCON
    debugcon_init();
#endif
}

static int pc_start(void)
{
    pc_consoles_init();
    return 0;
}

/* fw_cfg's map calls the firmware's ACPI tables RAM (they sit at the top
 * of low RAM): an app that fills memory would overwrite them and power-off
 * would find no FADT.  Mark them ACPI, as the firmware's own map does. */
static unsigned add_acpi_tables(struct mem_region *map, unsigned n,
                                unsigned cap)
{
    enum { MAX_RANGES = 8 };
    struct mem_range tables[MAX_RANGES];
    uint64_t rsdp = acpi_find_rsdp(&boot_low_window, acpi_rsdp_hint());
    int found = rsdp ? acpi_table_extents(&boot_low_window, rsdp, tables,
                                          MAX_RANGES)
                     : 0;
    unsigned count = found < 0 ? MAX_RANGES : (unsigned)found;

    if (found < 0 || count > cap - n) {
        pr_warn("memmap: the ACPI tables under the RSDP at 0x%llx lie in "
                "more ranges than the map has room for; some may be "
                "overwritten",
                (unsigned long long)rsdp);
        if (count > cap - n)
            count = cap - n;
    }
    for (unsigned i = 0; i < count; i++)
        map[n++] = (struct mem_region){tables[i].start,
                                       tables[i].end - tables[i].start,
                                       XEN_HVM_MEMMAP_TYPE_ACPI};
    return n;
}

/* start_info version 0 (or a v1 without a map): on QEMU the E820 table
 * QEMU gives the firmware is in fw_cfg.  It is QEMU's view, before the
 * firmware's own carve-outs: it calls 0-0xc0000000 RAM straight through
 * the VGA hole and the BIOS ROM and the ACPI tables, so the legacy area is
 * added as reserved and the tables as ACPI. */
static int pc_memmap(struct mem_region *map, unsigned cap,
                     const char **source)
{
    int n = fwcfg_read_e820(map, cap - 1);

    if (n <= 0)
        return n;
    map[n++] = (struct mem_region){LEGACY_HOLE_START,
                                   LEGACY_HOLE_END - LEGACY_HOLE_START,
                                   XEN_HVM_MEMMAP_TYPE_RESERVED};
    *source = "fw_cfg etc/e820";
    return (int)add_acpi_tables(map, (unsigned)n, cap);
}

void pc_debug_exit(int status)
{
    outl(CONFIG_DEBUG_EXIT_PORT, (uint32_t)status);
}

/* Read ACPI only when powering off: the table walk is most of a boot's
 * instructions otherwise.  Page 0 (the EBDA pointer) is unmapped by then,
 * so the window starts above it and the RSDP search skips the EBDA. */
static const struct acpi_poweroff *find_acpi(void)
{
    static struct acpi_poweroff acpi;
    char why[96];

    if (acpi_find_poweroff(&acpi_window, acpi_rsdp_hint(), &acpi, why,
                           sizeof(why))) {
        tern_printf("tern: poweroff: ACPI unusable (%s)\n", why);
        return 0;
    }
    if (acpi.hw_reduced)
        pr_debug("poweroff: ACPI sleep control %s 0x%llx, S5 type %u",
                 acpi.sleep_space == ACPI_SPACE_IO ? "port" : "mmio",
                 (unsigned long long)acpi.sleep_addr, acpi.slp_typ_a);
    else
        pr_debug("poweroff: ACPI PM1a 0x%x, S5 type %u (RSDP 0x%llx, %s)",
                 acpi.pm1a_cnt, acpi.slp_typ_a, (unsigned long long)acpi.rsdp,
                 acpi.used_xsdt ? "XSDT" : "RSDT");
    return &acpi;
}

/* A crash stops the same way: QEMU has no "crashed" state to report. */
static void pc_power_off(bool crash)
{
    const struct acpi_poweroff *acpi = find_acpi();

    (void)crash;
    if (!acpi)
        return;
    acpi_enter_s5(acpi);
    for (volatile long i = 0; i < POWEROFF_GRACE_SPINS; i++)
        cpu_pause();
    tern_printf("tern: ACPI power-off did not take effect\n");
}

static const char *pc_power_off_name(void)
{
    return "ACPI S5 (tables read at exit)";
}

static uint64_t pc_wall_ns(uint64_t (*now_ns)(void))
{
    return cmos_rtc_ns(now_ns);
}

PLATFORM(platform_pc) = {
    .name = "pc",
    .rank = 100,
    .start = pc_start,
    .memmap = pc_memmap,
    .refclock = refclock_find,
    .wall_ns = pc_wall_ns,
    .exit_status = pc_debug_exit,
    .power_off = pc_power_off,
    .power_off_name = pc_power_off_name,
};
