/* pvclock arithmetic for every shift a signed byte can hold (UBSan runs
 * these: a shift of 64 or more would abort the binary), and the values
 * Xen really gives. */
#include <tern/xen_pvclock.h>
#include "test.h"

TEST(pvclock_scales_as_xen_does)
{
    /* A 2 GHz TSC: 0.5 ns a tick, as shift 0 with mul 0.5, or shift -1
     * with mul just under 1.0. */
    CHECK(pvclock_scale(2000000000ull, 0x80000000u, 0) == 1000000000ull);
    CHECK(pvclock_scale(2000000000ull, 0xffffffffu, -1) == 999999999ull);
    /* 3 GHz: shift -1, mul 2/3 (0xaaaaaaab). */
    CHECK(pvclock_scale(3000000000ull, 0xaaaaaaabu, -1) == 1000000000ull);
    CHECK(pvclock_scale(1ull << 40, 0x80000000u, 3) == 1ull << 42);
}

TEST(pvclock_shift_of_64_or_more_is_defined)
{
    for (int shift = -128; shift < 128; shift++) {
        uint64_t ns = pvclock_scale(~0ull, 0xffffffffu, shift);

        if (shift <= -64 || shift >= 64)
            CHECK(ns == 0);
        else
            CHECK(pvclock_usable(1, shift));
        CHECK(pvclock_usable(1, shift) == (shift > -64 && shift < 64));
    }
    CHECK(pvclock_scale(~0ull, 0xffffffffu, 63) == 0x7fffffff80000000ull);
    CHECK(pvclock_scale(~0ull, 0xffffffffu, -63) == 0);
    CHECK(!pvclock_usable(0, 0));
}

TEST(pvclock_tsc_before_the_stamp_is_no_time)
{
    struct pvclock_snapshot p = {1000000, 5000, 0x80000000u, 1};

    CHECK(pvclock_ns(&p, 1000000) == 5000);
    CHECK(pvclock_ns(&p, 1000010) == 5010);
    /* Unsigned subtraction would make this 2^64 - 10 ticks: a clock
     * centuries ahead, and every deadline computed from it never due. */
    CHECK(pvclock_ns(&p, 999990) == 5000);
}

/* Measured under Xen 4.17 (PVH dom0 in QEMU): the guest TSC starts near 0
 * and the first stamp lies before it, at 2^64 - 408435074.  The delta is
 * modular; an unsigned "tsc > stamp" would freeze the clock. */
TEST(pvclock_stamp_before_the_tsc_zero)
{
    struct pvclock_snapshot p = {18446744073301116542ull, 1676392217ull,
                                 3512680953u, -1};
    uint64_t delta = 1529111339ull + 408435074ull;

    CHECK(pvclock_ns(&p, 1529111339ull) ==
          1676392217ull + pvclock_scale(delta, 3512680953u, -1));
    CHECK(pvclock_ns(&p, 1529111339ull) > pvclock_ns(&p, 1000ull));
}

TEST(pvclock_tsc_rate)
{
    CHECK(pvclock_tsc_hz(0x80000000u, 0) == 2000000000ull);
    CHECK(pvclock_tsc_hz(0xffffffffu, -1) == 2000000000ull);
    CHECK(pvclock_tsc_hz(0xaaaaaaabu, -1) == 2999999999ull);
    CHECK(pvclock_tsc_hz(0x80000000u, 1) == 1000000000ull);
    CHECK(pvclock_tsc_hz(0, 0) == 0);
    CHECK(pvclock_tsc_hz(1, 64) == 0 && pvclock_tsc_hz(1, -64) == 0);
    CHECK(pvclock_tsc_hz(1, -63) == 0); /* does not fit 64 bits */
    CHECK(pvclock_tsc_hz(0x80000000u, 20) == 2000000000ull >> 20);
}
