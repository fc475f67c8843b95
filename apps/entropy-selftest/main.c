/*
 * entropy-selftest: getentropy() and arc4random() as an app sees them, as
 * TAP (the exit status is the number of failures).  tests/run.py boots it
 * twice and compares the "sample" lines, and reads the start-of-day line.
 *
 *   (no argument)       a strong source is expected (-cpu max: RDRAND)
 *   none                no strong source (QEMU's default CPU): getentropy
 *                       fails with ENOSYS until a feeder credits entropy;
 *                       a feeder and a thread here play virtio-rng
 *   arc4random-unseeded no strong source: arc4random() must stop the VM
 *   virtio-rng          no strong CPU source, a virtio-rng device
 *   virtio-rng-silent   the same, the device never completes a request
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <tern/entropy.h>
#include <tern/io.h>
#include <tern/tap.h>
#include <tern/thread.h>
#include <tern/time.h>
#include <unistd.h>

#define MS 1000000ull

static int all_equal(const uint8_t *p, size_t n, uint8_t v)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != v)
            return 0;
    return 1;
}

static void test_errors(void)
{
    uint8_t buf[300];

    memset(buf, 0x5a, sizeof(buf));
    errno = 0;
    tap_ok(GETENTROPY_MAX == 256 &&
               getentropy(buf, GETENTROPY_MAX + 1) == -1 && errno == EINVAL &&
               all_equal(buf, sizeof(buf), 0x5a),
           "getentropy(257 bytes): EINVAL (POSIX.1-2024), buffer untouched");
    errno = 0;
    tap_ok(getentropy(buf, SIZE_MAX) == -1 && errno == EINVAL,
           "getentropy(SIZE_MAX bytes): EINVAL");
    errno = 0;
    tap_ok(getentropy(NULL, 16) == -1 && errno == EFAULT,
           "getentropy(NULL, 16): EFAULT");
}

/* The start-of-day line against the CPU's own CPUID bits. */
static void test_sources_named(void)
{
    uint32_t a, b, c, d, max;
    int rdrand, rdseed;
    const char *names = entropy_describe();

    cpuid(0, &max, &b, &c, &d);
    cpuid(1, &a, &b, &c, &d);
    rdrand = !!(c & (1u << 30));
    cpuid(7, &a, &b, &c, &d);
    rdseed = max >= 7 && (b & (1u << 18));
    printf("# cpuid: rdrand %d rdseed %d; sources \"%s\"\n", rdrand, rdseed,
           names);
    tap_ok(!!strstr(names, "rdrand") == rdrand &&
               !!strstr(names, "rdseed") == rdseed,
           "the sources named are the ones CPUID offers");
}

static void print_sample(void)
{
    uint8_t s[32];

    if (getentropy(s, sizeof(s)))
        return;
    printf("entropy-selftest: sample ");
    for (size_t i = 0; i < sizeof(s); i++)
        printf("%02x", s[i]);
    printf("\n");
}

/* Each of the 8 bit positions set in 40-60% of
 * 8192 bytes (a broken generator that returns zeros, a constant or a
 * short cycle fails; a good one passes with margin of 9 sigma). */
static int bits_balanced(const uint8_t *p, size_t n)
{
    for (int bit = 0; bit < 8; bit++) {
        size_t ones = 0;

        for (size_t i = 0; i < n; i++)
            ones += p[i] >> bit & 1;
        if (ones < n * 4 / 10 || ones > n * 6 / 10)
            return 0;
    }
    return 1;
}

static void test_strong(int cpu_source)
{
    static uint8_t big[8192];
    uint8_t a[256], b[256];
    uint8_t canary[40];
    unsigned seen[10] = {0}, out_of_range = 0, missing = 0;

    tap_ok(getentropy(a, 256) == 0 && getentropy(b, 256) == 0,
           "getentropy(256 bytes) succeeds twice");
    if (cpu_source)
        tap_ok(entropy_seeded(), "with no feeder, the CPU's source seeded "
                                 "the pool at the first read");
    tap_ok(memcmp(a, b, 256) && !all_equal(a, 256, a[0]),
           "two 256-byte results differ and are not constant");
    memset(canary, 0xa5, sizeof(canary));
    tap_ok(getentropy(canary, 7) == 0 && all_equal(canary + 7, 33, 0xa5),
           "getentropy(7 bytes) writes 7 bytes, not more");
    tap_ok(getentropy(NULL, 0) == 0 && getentropy(a, 0) == 0,
           "getentropy of 0 bytes succeeds");

    arc4random_buf(big, sizeof(big));
    tap_ok(bits_balanced(big, sizeof(big)),
           "arc4random_buf(8 KiB): every bit position 40-60% ones");
    tap_ok(arc4random_uniform(0) == 0 && arc4random_uniform(1) == 0,
           "arc4random_uniform(0) and (1) are 0");
    for (int i = 0; i < 10000; i++) {
        uint32_t v = arc4random_uniform(10);

        if (v >= 10)
            out_of_range++;
        else
            seen[v]++;
    }
    for (int i = 0; i < 10; i++)
        missing += seen[i] < 800 || seen[i] > 1200;
    tap_ok(!out_of_range && !missing,
           "arc4random_uniform(10) x 10000: all below 10, each 800-1200 times");
    tap_ok(arc4random() != arc4random() || arc4random() != arc4random(),
           "arc4random() changes");
    print_sample();
}

/* ---- no strong source ---------------------------------------------------- */
/* A feeder as virtio-rng is one: each request posts a "device request"
 * that a thread completes 50 ms later with entropy_add, as the device's
 * interrupt handler would. */
static struct semaphore posted = SEMAPHORE_INIT(0);
static unsigned requests;
static int in_flight, feeder_done;

static void fake_request(struct entropy_feeder *f)
{
    (void)f;
    requests++;
    if (!in_flight) {
        in_flight = 1;
        sem_up(&posted);
    }
}

static struct entropy_feeder fake_feeder = {"selftest-feeder", fake_request, 0};

static void *fake_device(void *arg)
{
    uint64_t t[4];

    (void)arg;
    sem_down(&posted);
    thread_sleep_ns(50 * MS);
    /* These TSC readings are not worth 256 bits: this only exercises
     * the path virtio-rng's bytes take. */
    for (int i = 0; i < 4; i++)
        t[i] = rdtsc();
    entropy_add(t, sizeof(t), 256, "selftest-feeder");
    in_flight = 0;
    feeder_done = 1;
    return NULL;
}

static void test_none(void)
{
    uint8_t buf[32];
    struct thread *device;
    uint64_t t0;
    int r;

    tap_ok(!entropy_seeded(), "not seeded: no strong source");
    memset(buf, 0x5a, sizeof(buf));
    errno = 0;
    tap_ok(getentropy(buf, 16) == -1 && errno == ENOSYS &&
               all_equal(buf, sizeof(buf), 0x5a),
           "getentropy with no source: ENOSYS at once, buffer untouched");

    device = thread_create("fake-device", fake_device, NULL, 0);
    entropy_add_feeder(&fake_feeder);
    tap_ok(requests == 1 && in_flight, "a feeder is asked for entropy when added");
    t0 = clock_monotonic_ns();
    r = getentropy(buf, sizeof(buf));
    printf("# getentropy waited %llu ms for the feeder, %u request(s)\n",
           (unsigned long long)((clock_monotonic_ns() - t0) / MS), requests);
    tap_ok(r == 0 && feeder_done && clock_monotonic_ns() - t0 >= 40 * MS,
           "with a feeder, getentropy waits for its credit");
    tap_ok(entropy_seeded() && !all_equal(buf, sizeof(buf), 0x5a),
           "seeded by the feeder, bytes written");
    thread_join(device, NULL);
    entropy_remove_feeder(&fake_feeder);
}

/* Seeded by the virtio-rng driver: the first read waits for the device's
 * interrupt, then everything works as with RDRAND. */
static void test_virtio_rng(void)
{
    uint8_t buf[32];

    printf("# seeded before the first read: %s\n",
           entropy_seeded() ? "yes" : "no");
    tap_ok(getentropy(buf, sizeof(buf)) == 0 && entropy_seeded(),
           "the first getentropy gets virtio-rng's bytes");
    test_strong(0);
}

/* A virtio-rng that never completes a request (QEMU's max-bytes=1 and a
 * long period): the driver names it after 2 s, the read fails. */
static void test_virtio_rng_silent(void)
{
    uint8_t buf[32];
    uint64_t t0 = clock_monotonic_ns();
    int r;

    errno = 0;
    r = getentropy(buf, sizeof(buf));
    printf("# getentropy gave up after %llu ms\n",
           (unsigned long long)((clock_monotonic_ns() - t0) / MS));
    tap_ok(r == -1 && errno == ENOSYS && !entropy_seeded(),
           "a silent virtio-rng: getentropy fails with ENOSYS");
    tap_ok(clock_monotonic_ns() - t0 < 4000 * MS,
           "the driver gave up on it within its 2 s timeout, not the 5 s wait");
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "strong";

    if (!strcmp(mode, "arc4random-unseeded")) {
        printf("entropy-selftest: arc4random() = %u\n", arc4random());
        return 1; /* never reached: the runtime stops the VM */
    }
    test_errors();
    test_sources_named();
    if (!strcmp(mode, "none"))
        test_none();
    else if (!strcmp(mode, "virtio-rng"))
        test_virtio_rng();
    else if (!strcmp(mode, "virtio-rng-silent"))
        test_virtio_rng_silent();
    else
        test_strong(1);
    return tap_done();
}
