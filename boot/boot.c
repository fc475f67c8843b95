/* boot_main: the common sequence after any entry protocol.
 * console (already up) -> options -> memory -> platform -> shutdown set-up
 * -> start-of-day dump -> main() -> exit. */
#include <string.h>
#include <tern/arch.h>
#include <tern/boot.h>
#include <tern/bootstats.h>
#include <tern/cmdline.h>
#include <tern/config.h>
#include <tern/console.h>
#include <tern/driver.h>
#include <tern/exit.h>
#include <tern/log.h>
#include <tern/mm.h>
#include <tern/platform.h>
#include <tern/tern.h>
#include <tern/thread.h>
#include <tern/time.h>
#include <tern/libc.h>
#ifdef CONFIG_LIBC_NEWLIB
#include <stdlib.h>
#endif
#include <xen/arch-x86/hvm/start_info.h>

static struct boot_args args;
static const struct boot_info *boot_info_copy;

const struct boot_info *tern_boot_info(void)
{
    return boot_info_copy;
}

const char *tern_getenv(const char *key)
{
    size_t len = strlen(key);

    for (int i = 0; i < args.envc; i++)
        if (!strncmp(args.env[i], key, len) && args.env[i][len] == '=')
            return args.env[i] + len + 1;
    return 0;
}

static void apply_cmdline(const struct boot_info *bi)
{
    args.loglevel = tern_loglevel;
    args.param_known = driver_param_known;
    args.exit_mode = tern_exit_mode;
    cmdline_parse(bi->cmdline, CONFIG_APP_NAME, &args);
    tern_loglevel = args.loglevel;
    tern_exit_mode = args.exit_mode;
}

static void print_start_of_day(const struct boot_info *bi)
{
    static const char *const exit_modes[] = {"poweroff", "debugexit", "halt"};
    const struct page_allocator *pa = mm_pages();
    unsigned n;
    const struct mem_range *ram = mm_usable(&n);

    pr_info("start_info v%u at 0x%llx, flags 0x%x, %u module(s), rsdp 0x%llx",
            bi->version, (unsigned long long)bi->start_info_paddr, bi->flags,
            bi->nr_modules, (unsigned long long)bi->rsdp_paddr);
    pr_info("cmdline \"%s\"", bi->cmdline);
    pr_info("memory map from %s: %u entries", bi->memmap_source,
            bi->memmap_count);
    for (unsigned i = 0; i < bi->memmap_count; i++)
        pr_debug("  0x%016llx-0x%016llx %s", 
                 (unsigned long long)bi->memmap[i].addr,
                 (unsigned long long)(bi->memmap[i].addr + bi->memmap[i].size),
                 mem_type_name(bi->memmap[i].type));
    pr_info("usable RAM: %llu KiB in %u range(s), up to 0x%llx; image "
            "0x%llx-0x%llx",
            (unsigned long long)(pa->total_pages * 4), n,
            (unsigned long long)ram[n - 1].end,
            (unsigned long long)bi->image_start,
            (unsigned long long)bi->image_end);
    pr_info("platform: %s (CPUID: %s); consoles: %s", platform.name,
            cpu_hypervisor_name(), console_names());
    if (platform.describe)
        platform.describe(bi);
    pr_info("exit: %s; poweroff: %s", exit_modes[tern_exit_mode],
            platform.power_off_name());
    pr_info("clock: %s; interrupts: %s; timer: %s", clock_describe(),
            lapic_describe(), sched_timer_name());
#ifdef CONFIG_LIBC_NEWLIB
    pr_info("libc: %s", libc_describe());
#endif
}

static void boot_exit_stats(void)
{
    const struct page_allocator *pa = mm_pages();
    uint64_t heap = 0;

#ifdef CONFIG_LIBC_NEWLIB
    heap = libc_heap_peak();
#endif
    tern_printf("tern: bootstats: exit pages_used %llu of %llu heap_peak "
                "%llu\n",
                (unsigned long long)(pa->total_pages - pa->free_pages),
                (unsigned long long)pa->total_pages,
                (unsigned long long)heap);
}

void boot_main(struct boot_info *bi)
{
    unsigned n;
    const struct mem_range *ram;

    apply_cmdline(bi);
    pr_info("Tern %s, app %s, entered through PVH", TERN_VERSION,
            CONFIG_APP_NAME);
    mm_init(bi);
    ram = mm_usable(&n);
    paging_map_ram(ram, n);
    /* The loader's pieces (modules above all) are RAM kept out of the
     * usable ranges: mapped too, or a module above 4 GiB faults. */
    paging_map_ram(bi->reserved, bi->reserved_count);
    pr_info("paging: %s", paging_protect_kernel());
    boot_mark("memory");
    clock_init();
    boot_mark("clock");
#ifdef CONFIG_LIBC_NEWLIB
    sched_init(exit);
#else
    sched_init(tern_exit);
#endif
#ifdef CONFIG_LIBC_NEWLIB
    libc_init(bi, args.env);
    boot_mark("libc");
#endif
    print_start_of_day(bi);
    driver_params_set(args.params, (unsigned)args.nparams);
    drivers_init(bi);
    boot_mark("drivers");
    paging_set_present(0, false); /* NULL dereferences fault */
    boot_info_copy = bi;
    pr_info("calling main() with %d argument(s)", args.argc - 1);
    boot_mark("main");
    boot_stats_enabled = args.bootstats;
    boot_exit_report = boot_exit_stats;
    if (args.bootstats)
        boot_marks_print();
#ifdef CONFIG_LIBC_NEWLIB
    exit(main(args.argc, args.argv)); /* runs atexit, flushes stdio */
#else
    tern_exit(main(args.argc, args.argv));
#endif
}
