/* Leaving the VM: report the status, then the VMM's exit port, the
 * platform's power-off or halt as tern.exit says.  Power-off never hangs:
 * when it does not take, we say so and halt. */
#include <tern/bootstats.h>
#include <tern/config.h>
#include <tern/console.h>
#include <tern/driver.h>
#include <tern/exit.h>
#include <tern/format.h>
#include <tern/io.h>
#include <tern/log.h>
#include <tern/platform.h>

int tern_exit_mode = CONFIG_EXIT_MODE;

/* The status where the VMM reads it; nothing before platform_init (a
 * fault that early still stops: the last resort halts). */
static void exit_status(int status)
{
    if (platform.exit_status)
        platform.exit_status(status);
}

/* Each platform powers off its own way (under Xen never through ACPI). */
static __attribute__((noreturn)) void power_off_or_halt(bool crash)
{
    if (platform.power_off) /* NULL before platform_init */
        platform.power_off(crash);
    tern_printf("tern: halted\n");
    console_flush();
    cpu_halt_forever();
}

void tern_exit(int status)
{
    drivers_exit();
    console_flush();
    if (boot_stats_enabled && boot_exit_report)
        boot_exit_report();
    tern_log(LOG_QUIET, "exit status %d", status);
    if (tern_exit_mode == TERN_EXIT_MODE_DEBUGEXIT)
        exit_status(status);
    if (tern_exit_mode == TERN_EXIT_MODE_HALT) {
        tern_printf("tern: halted\n");
        cpu_halt_forever();
    }
    power_off_or_halt(false);
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
    exit_status(status);
    if (fatal_depth == 2 && tern_exit_mode != TERN_EXIT_MODE_HALT)
        power_off_or_halt(true); /* silent now */
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
    exit_status(status);
    power_off_or_halt(true);
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
