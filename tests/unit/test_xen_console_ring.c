/* PV console ring producer against hostile indices. */
#include <string.h>
#include <tern/xen_console_ring.h>
#include "test.h"

/* The ring page with guard bytes around it, to catch stray writes. */
static struct {
    char before[64];
    struct xencons_interface r;
    char after[64];
} page;

static void reset(uint32_t cons, uint32_t prod)
{
    memset(&page, 0x5a, sizeof(page));
    page.r.out_cons = cons;
    page.r.out_prod = prod;
}

static int guards_intact(void)
{
    for (unsigned i = 0; i < 64; i++)
        if (page.before[i] != 0x5a || page.after[i] != 0x5a)
            return 0;
    return 1;
}

TEST(xen_ring_queues_bytes_and_advances_prod)
{
    reset(0, 0);
    CHECK(xencons_ring_put(&page.r, "hello", 5) == 5);
    CHECK(page.r.out_prod == 5 && !memcmp(page.r.out, "hello", 5));
    CHECK(guards_intact());
}

TEST(xen_ring_wraps_at_the_end_and_at_2_32)
{
    reset(0xfffffffe, 0xfffffffe);
    CHECK(xencons_ring_put(&page.r, "abcd", 4) == 4);
    CHECK(page.r.out_prod == 2);
    CHECK(page.r.out[2046] == 'a' && page.r.out[2047] == 'b');
    CHECK(page.r.out[0] == 'c' && page.r.out[1] == 'd');
    CHECK(guards_intact());
}

TEST(xen_ring_full_queues_nothing)
{
    reset(100, 100 + 2048);
    CHECK(xencons_ring_put(&page.r, "x", 1) == 0);
    reset(100, 100 + 2040);
    CHECK(xencons_ring_put(&page.r, "0123456789", 10) == 8);
    CHECK(page.r.out_prod == 100 + 2048);
    CHECK(guards_intact());
}

TEST(xen_ring_hostile_indices_are_refused)
{
    uint32_t bad[][2] = {{0, 2049}, {5, 4}, {0, 0x80000000u},
                         {0xffffffffu, 0x7ffffff0u}};

    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        reset(bad[i][0], bad[i][1]);
        CHECK(xencons_ring_put(&page.r, "data", 4) == -1);
        CHECK(page.r.out_prod == bad[i][1]);
        CHECK(guards_intact());
    }
}

TEST(xen_ring_random_indices_never_write_outside)
{
    unsigned seed = 99;

    for (int i = 0; i < 20000; i++) {
        char buf[3000];
        long n;

        seed = seed * 1103515245u + 12345u;
        reset(seed, seed + (seed >> 7) % 4200);
        memset(buf, 'q', sizeof(buf));
        n = xencons_ring_put(&page.r, buf, (seed >> 3) % sizeof(buf));
        CHECK(n >= -1 && n <= 2048);
        CHECK(guards_intact());
    }
}

/* xencons_write against a fake backend: wait() lets it consume. */
static struct {
    unsigned notifies, waits;
    unsigned consume_after; /* waits before the backend reads */
    uint32_t consume;       /* bytes it reads each time */
} backend;

static void fake_notify(void *ctx)
{
    (void)ctx;
    backend.notifies++;
}

static void fake_wait(void *ctx)
{
    (void)ctx;
    if (++backend.waits >= backend.consume_after &&
        page.r.out_prod - page.r.out_cons >= backend.consume)
        page.r.out_cons += backend.consume;
}

static const struct xencons_writer fake = {fake_notify, fake_wait, 0, 50};

static long write_with(uint32_t cons, uint32_t prod, unsigned after,
                       uint32_t consume, size_t n)
{
    static char msg[6000];

    memset(msg, 'm', sizeof(msg));
    reset(cons, prod);
    memset(&backend, 0, sizeof(backend));
    backend.consume_after = after;
    backend.consume = consume;
    return xencons_write(&page.r, msg, n, &fake);
}

TEST(xen_console_notifies_only_when_it_queued_bytes)
{
    /* Room for all: one put, one notify, no wait. */
    CHECK(write_with(0, 0, 0, 0, 100) == 100);
    CHECK(backend.notifies == 1 && backend.waits == 0);
    /* A full ring the backend drains after 10 waits, 512 bytes a time:
     * one notify per put that queued bytes, none for the waits (the old
     * loop sent one after every put, empty ones included: a million when
     * the backend stalled). */
    CHECK(write_with(0, 2048, 10, 512, 1024) == 1024);
    CHECK(backend.waits == 11 && backend.notifies == 2);
    CHECK(guards_intact());
}

TEST(xen_console_write_gives_up_on_a_stalled_backend)
{
    CHECK(write_with(0, 2040, 1000000, 0, 100) == 8);
    CHECK(backend.notifies == 1 && backend.waits == 50);
    CHECK(write_with(0, 5000, 0, 0, 10) == -1); /* hostile indices */
    CHECK(backend.notifies == 0 && backend.waits == 0);
    CHECK(guards_intact());
}

TEST(xen_console_long_write_goes_through_a_slow_backend)
{
    CHECK(write_with(7, 7, 3, 300, 6000) == 6000);
    CHECK(page.r.out_prod == 7 + 6000);
    CHECK(backend.notifies >= 3 && backend.notifies <= backend.waits + 1);
    CHECK(guards_intact());
}
