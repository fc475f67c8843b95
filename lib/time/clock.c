/*
 * The monotonic and wall clocks.  Every calibration loop is bounded and
 * has a fallback: a clock must never hang the boot (FIELD-NOTES: Linux
 * spins forever on microvm when its TSC calibration fails).
 */
#include <tern/config.h>
#include <tern/format.h>
#include <tern/io.h>
#include <tern/log.h>
#include <tern/time.h>
#include <tern/xen.h>

#define PIT_HZ 1193182u
#define CALIBRATE_MS 10
#define PIT_POLL_LIMIT 10000000
#define FALLBACK_TSC_HZ 1000000000ull

enum source { SOURCE_TSC, SOURCE_XEN };
static enum source source;
static uint64_t tsc_hz, tsc_at_boot, wall_at_boot_ns;
static char description[64];

/* CPUID 0x15 (TSC/crystal ratio) or 0x16 (base MHz), when offered. */
static uint64_t tsc_hz_from_cpuid(const char **how)
{
    uint32_t max, a, b, c, d;

    cpuid(0, &max, &b, &c, &d);
    if (max >= 0x15) {
        cpuid(0x15, &a, &b, &c, &d);
        if (a && b && c) {
            *how = "CPUID 0x15";
            return (uint64_t)c * b / a;
        }
    }
    if (max >= 0x16) {
        cpuid(0x16, &a, &b, &c, &d);
        if (a & 0xffff) {
            *how = "CPUID 0x16";
            return (uint64_t)(a & 0xffff) * 1000000;
        }
    }
    return 0;
}

static uint16_t pit0_count(void)
{
    uint8_t lo, hi;

    outb(0x43, 0x00); /* latch channel 0 */
    lo = inb(0x40);
    hi = inb(0x40);
    return (uint16_t)(hi << 8 | lo);
}

/* Channel 0 counted down and polled through latched reads: for machines
 * without port 0x61 (QEMU microvm has a PIT but no speaker port).  Mode 0
 * keeps counting past zero, wrapping to 0xffff, so a rise ends it. */
static uint64_t tsc_hz_from_pit0(void)
{
    uint32_t latch = PIT_HZ / (1000 / CALIBRATE_MS);
    uint16_t prev = (uint16_t)latch, now;
    uint64_t t0;
    long polls = 0;

    outb(0x43, 0x30); /* channel 0, lo/hi byte, mode 0 */
    outb(0x40, (uint8_t)latch);
    outb(0x40, (uint8_t)(latch >> 8));
    t0 = rdtsc();
    while ((now = pit0_count()) <= prev && now != 0) {
        if (++polls == PIT_POLL_LIMIT)
            return 0; /* stuck */
        prev = now;
    }
    /* An absent PIT reads 0xffff: a "rise" at once, polls stays 0. */
    return polls > 2 ? (rdtsc() - t0) * (1000 / CALIBRATE_MS) : 0;
}

/* Count TSC ticks over a PIT channel 2 one-shot; 0 when the PIT does not
 * answer in time or the result is absurd. */
static uint64_t tsc_hz_from_pit(void)
{
    uint32_t latch = PIT_HZ / (1000 / CALIBRATE_MS);
    uint64_t t0, t1;
    long polls = 0;

    outb(0x61, (uint8_t)((inb(0x61) & ~0x02) | 0x01)); /* gate on, no beep */
    outb(0x43, 0xb0); /* channel 2, lo/hi byte, mode 0 */
    outb(0x42, (uint8_t)latch);
    outb(0x42, (uint8_t)(latch >> 8));
    t0 = rdtsc();
    while (!(inb(0x61) & 0x20))
        if (++polls == PIT_POLL_LIMIT)
            return 0;
    t1 = rdtsc();
    if (polls == 0)
        return 0; /* OUT2 high at once: no PIT there */
    return (t1 - t0) * (1000 / CALIBRATE_MS);
}

static uint8_t cmos(uint8_t reg)
{
    outb(0x70, reg);
    return inb(0x71);
}

static unsigned bcd(uint8_t v, int binary)
{
    return binary ? v : (v >> 4) * 10 + (v & 15);
}

/* Status register B once the RTC is not mid-update, or -1 when there is
 * no RTC (reads float high) or the update never ends. */
static int rtc_ready(void)
{
    int polls = 0;
    uint8_t status_b = cmos(0x0b);

    if (status_b == 0xff)
        return -1;
    while (cmos(0x0a) & 0x80)
        if (++polls == 100000)
            return -1;
    return status_b;
}

/* The CMOS RTC, in UTC as QEMU keeps it; 0 when absent or nonsense. */
static uint64_t rtc_wall_ns(void)
{
    int status_b = rtc_ready(), binary;
    unsigned sec, min, hour, day, mon, year;

    if (status_b < 0)
        return 0;
    binary = status_b & 0x04;
    sec = bcd(cmos(0x00), binary);
    min = bcd(cmos(0x02), binary);
    hour = bcd(cmos(0x04) & 0x7f, binary);
    day = bcd(cmos(0x07), binary);
    mon = bcd(cmos(0x08), binary);
    year = bcd(cmos(0x09), binary) + 2000;
    if (sec > 59 || min > 59 || hour > 23 || day < 1 || day > 31 ||
        mon < 1 || mon > 12)
        return 0;
    return (uint64_t)((days_from_civil(year, mon, day) * 86400 +
                       hour * 3600 + min * 60 + sec)) *
           1000000000ull;
}

/* The TSC's rate, measured the first time a clock is read: the 10 ms of
 * PIT calibration is not charged to appliances that never ask the time. */
static void calibrate_tsc(void)
{
    const char *how = "PIT";

    tsc_hz = tsc_hz_from_cpuid(&how);
    if (!tsc_hz)
        tsc_hz = tsc_hz_from_pit();
    if (tsc_hz < 10000000ull) {
        how = "PIT channel 0";
        tsc_hz = tsc_hz_from_pit0();
    }
    if (tsc_hz < 10000000ull || tsc_hz > 100000000000ull) {
        pr_warn("clock: TSC rate unknown (no CPUID leaf, PIT silent); "
                "assuming 1 GHz");
        tsc_hz = FALLBACK_TSC_HZ;
        how = "assumed";
    }
    tern_snprintf(description, sizeof(description), "TSC %llu MHz (%s)",
                  (unsigned long long)(tsc_hz / 1000000), how);
}

void clock_init(void)
{
#ifdef CONFIG_XEN
    if (xen_present() && xen_system_time_ns()) {
        source = SOURCE_XEN;
        wall_at_boot_ns = xen_wallclock_base_ns();
        tsc_hz = xen_tsc_hz();
        tern_snprintf(description, sizeof(description), "Xen pvclock");
        return;
    }
#endif
    tsc_at_boot = rdtsc();
    tern_snprintf(description, sizeof(description),
                  "TSC (rate measured on first use)");
}

/* The CMOS RTC is read once, on first use, like the TSC's rate. */
static uint64_t wall_base(void)
{
    static int read;

    if (!read && source == SOURCE_TSC) {
        read = 1;
        wall_at_boot_ns = rtc_wall_ns();
    }
    return wall_at_boot_ns;
}

uint64_t clock_monotonic_ns(void)
{
    uint64_t ticks;

    if (source == SOURCE_XEN)
        return xen_system_time_ns();
    if (!tsc_hz)
        calibrate_tsc();
    ticks = rdtsc() - tsc_at_boot;
    return (uint64_t)((unsigned __int128)ticks * 1000000000ull / tsc_hz);
}

uint64_t clock_wall_ns(void)
{
    uint64_t base = wall_base();

    return base ? base + clock_monotonic_ns() : 0;
}

const char *clock_describe(void)
{
    return description;
}

uint64_t clock_ns_to_tsc(uint64_t ns)
{
    if (!tsc_hz)
        calibrate_tsc();
    return (uint64_t)((unsigned __int128)ns * tsc_hz / 1000000000ull);
}

int clock_rtc_second(void)
{
    int status_b = rtc_ready();

    return status_b < 0 ? -1 : (int)bcd(cmos(0x00), status_b & 0x04);
}
