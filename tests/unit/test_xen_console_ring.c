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
