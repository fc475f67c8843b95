/*
 * Reference counters for the TSC's rate.  Both are read in one go at any
 * moment (no waiting for an edge), which is what lets each read be
 * bracketed by two TSC reads.
 *
 * ACPI PM timer: 3.579545 MHz, 24 or 32 bits, one inl; on pc and q35.
 * PIT channel 0 in mode 2 with a count of 65536: 1.193182 MHz, wrapping
 * every 55 ms, read through a latch command.  Channel 0 because microvm
 * has no port 0x61 to gate channel 2; its IRQ 0 stays masked (the PIC is
 * masked and the I/O APIC pin is never routed).
 */
#include <tern/acpi.h>
#include <tern/io.h>
#include <tern/log.h>
#include <tern/pc.h>
#include <tern/refclock.h>

#define PIT_HZ 1193182u
#define MOVE_POLLS 100000

static uint16_t pm_port;

static uint32_t pm_timer_read(void)
{
    return inl(pm_port);
}

static uint32_t pit0_read(void)
{
    uint8_t lo, hi;

    outb(0x43, 0x00); /* latch channel 0 */
    lo = inb(0x40);
    hi = inb(0x40);
    return 0xffffu - (uint32_t)(hi << 8 | lo); /* it counts down */
}

static void pit0_free_run(void)
{
    outb(0x43, 0x34); /* channel 0, lo/hi byte, mode 2 (rate generator) */
    outb(0x40, 0);
    outb(0x40, 0); /* a count of 0 is 65536 */
}

static struct refclock pm_timer = {"ACPI PM timer", {ACPI_PM_TIMER_HZ, 0},
                                   pm_timer_read};
static struct refclock pit0 = {"PIT", {PIT_HZ, 0xffff}, pit0_read};

/* An absent device reads the same value (all ones) every time; a device
 * that is there moves within a few thousand reads. */
static int moves(const struct refclock *r)
{
    uint32_t first = r->read();

    for (int i = 0; i < MOVE_POLLS; i++)
        if (r->read() != first)
            return 1;
    return 0;
}

static int find_pm_timer(void)
{
    unsigned bits;
    char why[96];

    if (acpi_find_pm_timer(&acpi_window, acpi_rsdp_hint(), &pm_port, &bits,
                           why, sizeof(why))) {
        pr_debug("clock: no ACPI PM timer: %s", why);
        return 0;
    }
    pm_timer.counter.mask = bits == 32 ? 0xffffffffu : 0xffffffu;
    if (!moves(&pm_timer)) {
        pr_warn("clock: the ACPI PM timer at port 0x%x stands still",
                (unsigned)pm_port);
        return 0;
    }
    return 1;
}

const struct refclock *refclock_find(void)
{
    if (find_pm_timer())
        return &pm_timer;
    pit0_free_run();
    return moves(&pit0) ? &pit0 : 0;
}
