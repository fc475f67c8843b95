/* Leaving the VM: report the status, then isa-debug-exit, ACPI S5 or halt
 * as tern.exit says.  Power-off never hangs: when it does not take, we say
 * so and halt. */
#include <tern/acpi.h>
#include <tern/bootstats.h>
#include <tern/config.h>
#include <tern/console.h>
#include <tern/exit.h>
#include <tern/format.h>
#include <tern/io.h>
#include <tern/log.h>
#include <tern/shutdown.h>

#define POWEROFF_GRACE_SPINS 50000000 /* QEMU acts on the request async */

#ifdef CONFIG_XEN
#include <tern/xen.h>
#include <xen/sched.h>
#define XEN_SHUTDOWN_POWEROFF SHUTDOWN_poweroff
#define XEN_SHUTDOWN_CRASH SHUTDOWN_crash
static bool on_xen(void)
{
    return xen_present();
}
#else
#define XEN_SHUTDOWN_POWEROFF 0
#define XEN_SHUTDOWN_CRASH 0
static bool on_xen(void)
{
    return false;
}
static void xen_shutdown(unsigned reason)
{
    (void)reason;
}
#endif

int tern_exit_mode = CONFIG_EXIT_MODE;

void shutdown_init(uint64_t rsdp_paddr)
{
    acpi_set_rsdp_hint(rsdp_paddr);
}

const char *shutdown_describe(void)
{
    return on_xen() ? "SCHEDOP_shutdown" : "ACPI S5 (tables read at exit)";
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

static void debug_exit(int status)
{
    outl(CONFIG_DEBUG_EXIT_PORT, (uint32_t)status);
}

/* Under Xen, power-off never depends on ACPI. */
static __attribute__((noreturn)) void power_off_or_halt(unsigned xen_reason)
{
    const struct acpi_poweroff *acpi;

    if (on_xen()) {
        xen_shutdown(xen_reason);
        tern_printf("tern: Xen refused SCHEDOP_shutdown; halting\n");
    } else if ((acpi = find_acpi()) != 0) {
        acpi_enter_s5(acpi);
        for (volatile long i = 0; i < POWEROFF_GRACE_SPINS; i++)
            cpu_pause();
        tern_printf("tern: ACPI power-off did not take effect; halting\n");
    } else {
        tern_printf("tern: halted\n");
    }
    console_flush();
    cpu_halt_forever();
}

void tern_exit(int status)
{
    console_flush();
    if (boot_stats_enabled)
        boot_exit_stats();
    tern_log(LOG_QUIET, "exit status %d", status);
    if (tern_exit_mode == TERN_EXIT_MODE_DEBUGEXIT)
        debug_exit(status);
    if (tern_exit_mode == TERN_EXIT_MODE_HALT) {
        tern_printf("tern: halted\n");
        cpu_halt_forever();
    }
    power_off_or_halt(XEN_SHUTDOWN_POWEROFF);
}

/* How many fatal paths have begun: more than one means a fault (or a
 * fatal error) inside fatal handling, a console that faults or ACPI
 * tables that cannot be read.  Reporting again would fault again, so each
 * nested entry goes one step further down the last resort and the VM
 * always stops. */
static int fatal_depth;

static __attribute__((noreturn)) void last_resort(int status)
{
    console_silence();
    debug_exit(status);
    if (fatal_depth == 2 && tern_exit_mode != TERN_EXIT_MODE_HALT)
        power_off_or_halt(XEN_SHUTDOWN_CRASH); /* silent now */
    cpu_halt_forever();
}

void tern_fatal_enter(int status)
{
    if (fatal_depth++)
        last_resort(status);
}

void tern_fatal_shutdown(int status)
{
    console_flush();
    tern_printf("tern: stopping with status %d\n", status);
    if (tern_exit_mode == TERN_EXIT_MODE_HALT)
        cpu_halt_forever();
    debug_exit(status);
    power_off_or_halt(XEN_SHUTDOWN_CRASH);
}

void tern_fatal(int status, const char *fmt, ...)
{
    char buf[256];
    va_list ap;

    tern_fatal_enter(status);
    va_start(ap, fmt);
    tern_vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    console_flush();
    tern_printf("tern: fatal: %s\n", buf);
    tern_fatal_shutdown(status);
}
