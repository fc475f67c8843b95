/*
 * The monotonic and wall clocks.  Every calibration loop is bounded and
 * has a fallback: a clock must never hang the boot (FIELD-NOTES: Linux
 * spins forever on microvm when its TSC calibration fails).
 *
 * The TSC's rate must hold on a busy host, where the vCPU is preempted
 * for milliseconds at a time: one 10 ms PIT sample, as before, gave "one
 * RTC second" of 504 to 2095 ms.  So: every reference read is bracketed
 * by TSC reads and dropped when the bracket is wide; the rate is the
 * agreement of 8 windows; and it is refined over spans of 0.25 s to 256 s
 * as the system runs, moving the base so that time never steps.
 */
#include <tern/config.h>
#include <tern/format.h>
#include <tern/io.h>
#include <tern/log.h>
#include <tern/platform.h>
#include <tern/refclock.h>
#include <tern/time.h>
#include <tern/tsc_rate.h>

#define FALLBACK_TSC_HZ 1000000000ull
#define CAL_SAMPLES 9      /* 8 windows */
#define CAL_STEP_US 1000   /* reference time from one sample to the next */
#define CAL_ROUNDS 3       /* more windows when too few agree */
#define CAL_POLL_LIMIT 10000000
#define BRACKET_TRIES 3    /* the narrowest of this many reads is a sample */
#define FIRST_REFINE_MS 250 /* then x4 each time, up to ... */
#define REFINE_STAGES 6     /* ... 256 s after calibration */

enum source { SOURCE_TSC, SOURCE_PLATFORM };
static enum source source;
static uint64_t wall_at_boot_ns;
static char description[96];

/* The TSC path: ns = base_ns + (tsc - base_tsc) / tsc_hz.  A new rate
 * moves the base to "now", so monotonic time never steps. */
static uint64_t tsc_hz, base_tsc, base_ns;

/* Refinement: the rate re-measured against the same reference over ever
 * longer spans from one calibration sample (the anchor). */
static const struct refclock *ref;
static struct tsc_sample anchor;
static uint64_t bracket_limit, next_refine_tsc = UINT64_MAX;
static unsigned refine_stage;

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

/* One reference read between two TSC reads, the narrowest of a few. */
static void take_sample(struct tsc_sample *out)
{
    for (int i = 0; i < BRACKET_TRIES; i++) {
        uint64_t a = rdtsc();
        uint32_t r = ref->read() & ref->counter.mask;
        uint64_t b = rdtsc();

        if (i == 0 || b - a < out->width) {
            out->tsc = a + (b - a) / 2;
            out->width = b - a;
            out->ref = r;
        }
    }
}

/* Samples CAL_STEP_US apart by the reference; fewer when it stalls. */
static unsigned collect(struct tsc_sample *s, unsigned n)
{
    uint32_t step = (uint32_t)((uint64_t)ref->counter.hz * CAL_STEP_US /
                               1000000);

    take_sample(&s[0]);
    for (unsigned i = 1; i < n; i++) {
        long polls = 0;

        while (((ref->read() - s[i - 1].ref) & ref->counter.mask) < step)
            if (++polls == CAL_POLL_LIMIT)
                return i;
        take_sample(&s[i]);
    }
    return n;
}

/* The last sample narrow enough to anchor refinement on. */
static void set_anchor(const struct tsc_sample *s, unsigned n)
{
    bracket_limit = tsc_sample_limit(s, n);
    for (unsigned i = 0; i < n; i++)
        if (s[i].width <= bracket_limit)
            anchor = s[i];
}

static uint64_t measure_tsc_hz(void)
{
    struct tsc_sample s[CAL_SAMPLES];
    unsigned agreed = 0, windows = 0;

    for (int round = 0; round < CAL_ROUNDS; round++) {
        unsigned n = collect(s, CAL_SAMPLES);
        uint64_t hz = tsc_rate_from_samples(s, n, ref->counter, &agreed,
                                            &windows);

        if (hz) {
            set_anchor(s, n);
            pr_debug("clock: TSC %llu Hz against the %s: %u of %u windows "
                     "agree; brackets up to %llu ticks",
                     (unsigned long long)hz, ref->name, agreed, windows,
                     (unsigned long long)bracket_limit);
            return hz;
        }
    }
    pr_warn("clock: TSC against the %s: only %u of %u windows agree",
            ref->name, agreed, windows);
    return 0;
}

static uint64_t tsc_to_ns(uint64_t tsc)
{
    return base_ns +
           (uint64_t)((unsigned __int128)(tsc - base_tsc) * 1000000000ull /
                      tsc_hz);
}

static void set_rate(uint64_t now, uint64_t hz)
{
    base_ns = tsc_to_ns(now);
    base_tsc = now;
    tsc_hz = hz;
}

static void schedule_refinement(void)
{
    uint64_t ms = (uint64_t)FIRST_REFINE_MS << (2 * refine_stage);

    next_refine_tsc = refine_stage < REFINE_STAGES
                          ? anchor.tsc + tsc_hz / 1000 * ms
                          : UINT64_MAX;
}

/* The rate over the span since the anchor.  A wide bracket (the vCPU was
 * preempted) is retried 1 ms later; a reading that cannot be unwrapped
 * or moves the rate by more than 5% is not believed. */
static void refine_rate(uint64_t now)
{
    struct tsc_sample s;
    uint64_t predicted, hz;
    int64_t elapsed;

    take_sample(&s);
    if (s.width > bracket_limit) {
        next_refine_tsc = now + tsc_hz / 1000;
        return;
    }
    predicted = (uint64_t)((unsigned __int128)(s.tsc - anchor.tsc) *
                           ref->counter.hz / tsc_hz);
    elapsed = ref_unwrap(predicted, (s.ref - anchor.ref) & ref->counter.mask,
                         ref->counter.mask);
    if (elapsed > 0) {
        hz = (uint64_t)((unsigned __int128)(s.tsc - anchor.tsc) *
                        ref->counter.hz / (uint64_t)elapsed);
        if (hz > tsc_hz - tsc_hz / 20 && hz < tsc_hz + tsc_hz / 20) {
            pr_debug("clock: TSC rate %llu Hz over %llu ms (was %llu)",
                     (unsigned long long)hz,
                     (unsigned long long)((uint64_t)elapsed * 1000 /
                                          ref->counter.hz),
                     (unsigned long long)tsc_hz);
            set_rate(now, hz);
        }
    }
    refine_stage++;
    schedule_refinement();
}

/* The TSC's rate, measured the first time a clock is read: the 8 ms of
 * calibration are not charged to appliances that never ask the time.
 * The measurement is what the clock runs at; CPUID's claims only stand
 * in when there is no reference counter (and are checked when there is). */
static void calibrate_tsc(void)
{
    const char *cpuid_how = "CPUID";
    uint64_t from_cpuid = tsc_hz_from_cpuid(&cpuid_how), measured = 0, hz;
    int cpuid_off;

    ref = platform.refclock ? platform.refclock() : 0;
    if (ref)
        measured = measure_tsc_hz();
    hz = tsc_rate_choose(measured, from_cpuid, &cpuid_off);
    if (cpuid_off)
        pr_warn("clock: %s claims %llu MHz, the %s measures %llu MHz: "
                "using the measurement",
                cpuid_how, (unsigned long long)(from_cpuid / 1000000),
                ref->name, (unsigned long long)(measured / 1000000));
    if (!hz) {
        pr_warn("clock: TSC rate unknown (no reference counter, no CPUID "
                "leaf); assuming 1 GHz");
        hz = FALLBACK_TSC_HZ;
    }
    tsc_hz = hz;
    tern_snprintf(description, sizeof(description), "TSC %llu MHz (%s)",
                  (unsigned long long)(tsc_hz / 1000000),
                  measured ? ref->name : from_cpuid ? cpuid_how : "assumed");
    if (measured)
        schedule_refinement();
}

void clock_init(void)
{
    if (platform.clock_ns && platform.clock_ns()) {
        source = SOURCE_PLATFORM;
        wall_at_boot_ns = platform.wall_base_ns ? platform.wall_base_ns() : 0;
        tsc_hz = platform.clock_tsc_hz ? platform.clock_tsc_hz() : 0;
        tern_snprintf(description, sizeof(description), "%s",
                      platform.clock_name);
        return;
    }
    base_tsc = rdtsc();
    tern_snprintf(description, sizeof(description),
                  "TSC (rate measured on first use)");
}

/* The platform's clock (Xen's system time), never going back: a pvclock
 * record that turns unusable after boot reads as 0, and every deadline
 * would then be far in the future.  The clock holds still instead, with
 * one warning. */
static uint64_t platform_monotonic_ns(void)
{
    static uint64_t last;
    static bool warned;
    uint64_t now = platform.clock_ns();

    if (now >= last)
        return last = now;
    if (!warned) {
        warned = true;
        pr_warn("clock: %s went back (%llu < %llu ns); held",
                platform.clock_name, (unsigned long long)now,
                (unsigned long long)last);
    }
    return last;
}

uint64_t clock_monotonic_ns(void)
{
    uint64_t now;

    if (source == SOURCE_PLATFORM)
        return platform_monotonic_ns();
    if (!tsc_hz)
        calibrate_tsc();
    now = rdtsc();
    if (now >= next_refine_tsc)
        refine_rate(now);
    return tsc_to_ns(now);
}

/* The CMOS RTC is read once, on first use, like the TSC's rate; the wall
 * clock is that reading moved back to monotonic time 0, so that adding
 * the monotonic time gives the date now (not the date plus the uptime
 * at that first use). */
static uint64_t wall_base(void)
{
    static int read;

    if (!read && source == SOURCE_TSC) {
        uint64_t rtc, mono;

        clock_monotonic_ns(); /* calibrate first: it takes a while */
        rtc = platform.wall_ns ? platform.wall_ns(clock_monotonic_ns) : 0;
        mono = clock_monotonic_ns();
        wall_at_boot_ns = rtc > mono ? rtc - mono : 0;
        /* A reading that failed is tried again next time, not kept as
         * "1970" for the life of the VM. */
        read = wall_at_boot_ns != 0;
    }
    return wall_at_boot_ns;
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
