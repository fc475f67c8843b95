/*
 * The platform Xen (a PVH domU or dom0): found from CPUID, before pc.
 * Consoles: Xen's console_io and the PV console ring beside the PC's;
 * the memory map from XENMEM_memory_map; time from pvclock; the
 * scheduler's timer from Xen's one-shot timer over event channels;
 * leaving through SCHEDOP_shutdown.  The rest is as on pc.
 */
#include <tern/boot_info.h>
#include <tern/console.h>
#include <tern/log.h>
#include <tern/memmap.h>
#include <tern/pc.h>
#include <tern/platform.h>
#include <tern/xen.h>
#include <tern/xen_evtchn.h>
#include <xen/sched.h>
#include <xen/xen.h>

static int xen_start(void)
{
    pc_consoles_init();
    if (xen_init())
        return -1;
    xen_console_init();
    xen_evtchn_register_source();
    /* A domU's console_io output is dropped by a non-debug Xen; its log
     * still shows port 0xe9.  A dom0 has no PV console. */
    if (xen_pv_console_init() == 0)
        debugcon_register_xen();
    return 0;
}

static int xen_memmap(struct mem_region *out, unsigned cap,
                      const char **source)
{
    int n = xen_memory_map(out, cap);

    if (n <= 0)
        pr_err("xen: XENMEM_memory_map failed (%d)", n);
    *source = "XENMEM_memory_map";
    return n;
}

/* Both start_info and Xen gave a map (a PVH domU): they should agree. */
static void xen_memmap_check(const struct mem_region *map, unsigned count)
{
    static struct mem_region xen_map[BOOT_MAX_MEMMAP];
    int n = xen_memory_map(xen_map, BOOT_MAX_MEMMAP);

    if (n < 0)
        pr_warn("xen: XENMEM_memory_map failed (%d); using start_info's map",
                n);
    else if (!memmap_same(map, count, xen_map, (unsigned)n))
        pr_warn("xen: start_info's memory map (%u entries) and "
                "XENMEM_memory_map's (%d) differ; using start_info's",
                count, n);
}

static void xen_describe(const struct boot_info *bi)
{
    pr_info("Xen %s, %s, memory map from %s", xen_version_string(),
            bi->flags & SIF_INITDOMAIN ? "dom0" : "domU", bi->memmap_source);
    if (xen_wallclock_seconds())
        pr_info("xen: shared_info mapped, wallclock %u s",
                xen_wallclock_seconds());
}

static int xen_timer(struct platform_timer *out)
{
    if (xen_evtchn_init())
        return -1;
    out->name = "Xen single-shot (event channel)";
    out->arm = xen_timer_arm;
    out->delivered = xen_evtchn_delivered;
    return 0;
}

static void xen_power_off(bool crash)
{
    xen_shutdown(crash ? SHUTDOWN_crash : SHUTDOWN_poweroff);
    tern_printf("tern: Xen refused SCHEDOP_shutdown\n");
}

static const char *xen_power_off_name(void)
{
    return "SCHEDOP_shutdown";
}

PLATFORM(platform_xen) = {
    .name = "xen",
    .rank = 10,
    .detect = xen_detect,
    .start = xen_start,
    .memmap = xen_memmap,
    .memmap_check = xen_memmap_check,
    .describe = xen_describe,
    .clock_ns = xen_system_time_ns,
    .clock_tsc_hz = xen_tsc_hz,
    .clock_name = "Xen pvclock",
    .wall_base_ns = xen_wallclock_base_ns,
    .timer = xen_timer,
    .dma_not_physical = true,
    .power_off = xen_power_off,
    .power_off_name = xen_power_off_name,
};
