/* The entropy pool in the kernel: which sources feed it, when it reseeds,
 * and what happens when nothing strong is there (docs/entropy.md).
 *
 * Interrupts are taken only between threads (docs/architecture.md), so
 * entropy_add from a handler never finds the pool half-updated. */
#include <stdbool.h>
#include <string.h>
#include <tern/config.h>
#include <tern/driver.h>
#include <tern/entropy.h>
#include <tern/entropy_pool.h>
#include <tern/io.h>
#include <tern/log.h>
#include <tern/thread.h>
#include <tern/time.h>
#include "cpu.h"

#define SELFTEST_DRAWS 8
#define JITTER_SAMPLES 64       /* at each reseed */
#define JITTER_CHECK_SAMPLES 16 /* at boot: enough to see a constant clock */
#define WAIT_STEP_NS 10000000ull /* 10 ms between looks at the pool */
/* Once seeded, a reseed that found too little new credit is not tried
 * again for this long: without a hardware source every read would
 * otherwise sample jitter in vain. */
#define GATHER_RETRY_NS 1000000000ull
/* Intel: RDRAND "retry up to 10 times"; RDSEED may run dry for longer
 * under load, so more tries, each after a PAUSE (in rdseed_paused). */
#define RDRAND_TRIES 10
#define RDSEED_TRIES 100

static struct entropy_pool pool;
static struct hw_source hw[2];
static unsigned nhw;
static bool jitter_usable;
static struct entropy_feeder *feeders;
static char names[48];
static uint64_t next_gather_ns;
static bool warned_unseeded;
/* The monotonic clock as the last read saw it.  The boot and interrupt
 * handlers never read the clock themselves: its first read calibrates
 * the TSC (milliseconds), which only a caller that needs time pays. */
static uint64_t last_now_ns;

static bool rdseed_paused(uint64_t *v)
{
    if (rdseed64(v))
        return true;
    cpu_pause();
    return false;
}

/* RDSEED's values are full entropy (Intel: "conditioned entropy"), so
 * credited 1:1.  RDRAND's come from a DRBG the hardware reseeds: credited
 * at half, so that a reseed takes values from more than one DRBG state. */
static void find_cpu_sources(void)
{
    if (cpu_has_rdseed())
        hw[nhw++] = (struct hw_source){.name = "rdseed", .raw = rdseed_paused,
                                       .tries = RDSEED_TRIES, .credit_bits = 64};
    if (cpu_has_rdrand())
        hw[nhw++] = (struct hw_source){.name = "rdrand", .raw = rdrand64,
                                       .tries = RDRAND_TRIES, .credit_bits = 32};
    for (unsigned i = 0; i < nhw; i++)
        source_selftest(&hw[i], SELFTEST_DRAWS);
}

/* Enough values from each trusted source to reseed from it alone. */
static void add_hw_samples(void)
{
    for (unsigned i = 0; i < nhw; i++) {
        unsigned want = POOL_RESEED_BITS / hw[i].credit_bits;

        for (unsigned k = 0; k < want; k++) {
            uint64_t v;

            if (source_draw(&hw[i], &v) != DRAW_OK)
                break;
            pool_add(&pool, &v, sizeof(v), hw[i].credit_bits);
        }
    }
}

static void add_jitter(void)
{
    uint64_t deltas[JITTER_SAMPLES];

    jitter_deltas(deltas, JITTER_SAMPLES);
    if (jitter_usable)
        pool_add(&pool, deltas, sizeof(deltas), 0);
}

/* Boot: a short sample decides whether jitter is used at all, and goes
 * into the pool if it is. */
static void check_jitter(void)
{
    uint64_t deltas[JITTER_CHECK_SAMPLES];

    jitter_deltas(deltas, JITTER_CHECK_SAMPLES);
    jitter_usable = jitter_deltas_vary(deltas, JITTER_CHECK_SAMPLES);
    if (jitter_usable)
        pool_add(&pool, deltas, sizeof(deltas), 0);
    else
        pr_info("entropy: jitter: %u TSC deltas all %llu (a clock that "
                "counts instructions, such as QEMU's -icount): not used",
                JITTER_CHECK_SAMPLES, (unsigned long long)deltas[0]);
}

static bool strong_source(void)
{
    for (unsigned i = 0; i < nhw; i++)
        if (!hw[i].distrusted)
            return true;
    return false;
}

/* "rdseed rdrand jitter": the sources in use, in the order used. */
static void name_source(const char *name)
{
    size_t at = strlen(names), n = strlen(name);

    if (at + 1 + n >= sizeof(names))
        return;
    if (at)
        names[at++] = ' ';
    memcpy(names + at, name, n + 1);
}

static void describe_sources(void)
{
    for (unsigned i = 0; i < nhw; i++)
        if (!hw[i].distrusted)
            name_source(hw[i].name);
    if (jitter_usable)
        name_source("jitter");
    if (!names[0])
        name_source("none");
}

static void ask_feeders(void)
{
    for (struct entropy_feeder *f = feeders; f; f = f->next)
        f->request(f);
}

static void gather_and_reseed(uint64_t now)
{
    ask_feeders(); /* for the next reseed: their bytes come later */
    add_hw_samples();
    add_jitter();
    pool_reseed(&pool, now);
}

/* Boot: find and check the sources and say which; nothing more.  The
 * pool is seeded by the first read (or a feeder's bytes): no boot pays
 * for randomness it never uses. */
void entropy_init(void)
{
    uint64_t tsc = rdtsc();

    pool_init(&pool);
    /* Not secret and not credited, but different on most boots. */
    pool_add(&pool, &tsc, sizeof(tsc), 0);
    find_cpu_sources();
    check_jitter();
    describe_sources();
    pr_info("entropy: %s", names);
    /* Info, not a warning: an app that never asks for randomness loses
     * nothing.  The first read that fails says so as a warning. */
    if (!strong_source())
        pr_info("entropy: no RDSEED or RDRAND: getentropy() and "
                "arc4random() fail until virtio-rng credits %u bits "
                "(docs/entropy.md)", POOL_RESEED_BITS);
}

void entropy_add(const void *bytes, size_t n, unsigned credited_bits,
                 const char *source)
{
    bool was_seeded = pool.seeded;

    pool_add(&pool, bytes, n, credited_bits);
    if (!was_seeded && pool_reseed(&pool, last_now_ns))
        pr_info("entropy: seeded by %s", source);
}

void entropy_add_feeder(struct entropy_feeder *f)
{
    f->next = feeders;
    feeders = f;
    pr_debug("entropy: %s feeds the pool", f->name);
    f->request(f);
}

void entropy_remove_feeder(struct entropy_feeder *f)
{
    for (struct entropy_feeder **p = &feeders; *p; p = &(*p)->next)
        if (*p == f) {
            *p = f->next;
            pr_warn("entropy: %s no longer feeds the pool", f->name);
            return;
        }
}

/* Unseeded, with a driver that can fetch entropy: ask it, and sleep until
 * its bytes come or the configured time is up. */
static void wait_for_seed(void)
{
    uint64_t start = clock_monotonic_ns();
    uint64_t deadline = start + (uint64_t)CONFIG_ENTROPY_WAIT_MS * 1000000ull;

    if (!feeders)
        return;
    while (!pool.seeded && feeders && clock_monotonic_ns() < deadline) {
        ask_feeders();
        if (!pool.seeded)
            thread_sleep_ns(WAIT_STEP_NS);
    }
    if (!pool.seeded)
        pr_err("entropy: no feeder credited %u bits (waited %llu ms)",
               POOL_RESEED_BITS,
               (unsigned long long)((clock_monotonic_ns() - start) / 1000000));
}

int entropy_read(void *out, size_t n)
{
    uint64_t now = last_now_ns = clock_monotonic_ns();

    if (pool_reseed_due(&pool, now) && (!pool.seeded || now >= next_gather_ns)) {
        gather_and_reseed(now);
        next_gather_ns = now + GATHER_RETRY_NS;
    }
    if (!pool.seeded)
        wait_for_seed();
    if (!pool.seeded) {
        if (!warned_unseeded) {
            warned_unseeded = true;
            pr_warn("entropy: a read with no strong source failed: boot "
                    "with -cpu max or a virtio-rng device (docs/entropy.md)");
        }
        return -1;
    }
    pool_generate(&pool, out, n);
    return 0;
}

int entropy_seeded(void)
{
    return pool.seeded;
}

const char *entropy_describe(void)
{
    return names;
}

/* The sources are checked in the first round, before any driver (a
 * virtio-rng among them) registers as a feeder. */
static void entropy_driver_init(const struct boot_info *bi)
{
    (void)bi;
    entropy_init();
}
DRIVER_INIT_BUS(entropy_driver_init);
