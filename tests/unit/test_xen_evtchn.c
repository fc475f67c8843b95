/* The 2-level event channel scan against crafted bitmaps. */
#include <stdlib.h>
#include <string.h>
#include <tern/xen_evtchn.h>
#include "test.h"

static uint64_t pending[EVTCHN_WORDS + 2], mask[EVTCHN_WORDS + 2];
static unsigned got[EVTCHN_PORTS], ngot;

static void record(unsigned port, void *ctx)
{
    (void)ctx;
    if (ngot < EVTCHN_PORTS)
        got[ngot++] = port;
}

static void reset(void)
{
    memset(pending, 0, sizeof(pending));
    memset(mask, 0, sizeof(mask));
    ngot = 0;
}

TEST(evtchn_delivers_pending_unmasked_ports_once)
{
    reset();
    pending[0] = 1ull << 3 | 1ull << 5;
    pending[2] = 1ull << 63;
    mask[0] = 1ull << 5;
    CHECK(evtchn_scan(pending, mask, 1ull << 0 | 1ull << 2, record, 0) == 2);
    CHECK(ngot == 2 && got[0] == 3 && got[1] == 2 * 64 + 63);
    CHECK(pending[0] == 1ull << 5 && pending[2] == 0); /* masked one stays */
    CHECK(evtchn_scan(pending, mask, 1ull << 0, record, 0) == 0);
}

TEST(evtchn_only_looks_at_selected_words)
{
    reset();
    pending[1] = 1;
    CHECK(evtchn_scan(pending, mask, 1ull << 0, record, 0) == 0);
    CHECK(pending[1] == 1 && ngot == 0);
}

/* The arrays exactly as large as the ABI's (on the heap, so ASan stops
 * the test at the first word read or written past either), every word
 * selected and every port pending: each port arrives once, in order,
 * with its pending bit already clear.  A scanner that gets the word from
 * the selector off by one (64 - clz, say) reads word 64 and dies here. */
static uint64_t *exact_pending;
static unsigned uncleared;

static void record_cleared(unsigned port, void *ctx)
{
    (void)ctx;
    if (exact_pending[port / 64] & 1ull << port % 64)
        uncleared++;
    record(port, 0);
}

TEST(evtchn_hostile_selector_stays_inside_the_arrays)
{
    uint64_t *p = malloc(EVTCHN_WORDS * sizeof(*p));
    uint64_t *m = calloc(EVTCHN_WORDS, sizeof(*m));
    unsigned in_order = 1;

    reset();
    uncleared = 0;
    exact_pending = p;
    memset(p, 0xff, EVTCHN_WORDS * sizeof(*p));
    CHECK(evtchn_scan(p, m, ~0ull, record_cleared, 0) == EVTCHN_PORTS);
    CHECK(ngot == EVTCHN_PORTS && uncleared == 0);
    for (unsigned i = 0; i < ngot; i++)
        in_order &= got[i] == i;
    CHECK(in_order);
    for (unsigned w = 0; w < EVTCHN_WORDS; w++)
        CHECK(p[w] == 0);

    reset(); /* the last word alone: port numbers from its own index */
    p[EVTCHN_WORDS - 1] = 1ull << 63 | 1ull << 1;
    m[EVTCHN_WORDS - 1] = 1ull << 1;
    CHECK(evtchn_scan(p, m, 1ull << 63, record_cleared, 0) == 1);
    CHECK(ngot == 1 && got[0] == EVTCHN_PORTS - 1 && uncleared == 0);
    CHECK(p[EVTCHN_WORDS - 1] == 1ull << 1);
    free(p);
    free(m);
}

/* Unmasking a port whose event came while it was masked: Xen set only the
 * pending bit, so the unmask must select the word and raise the upcall,
 * or the scan never looks and the port stays pending (and deaf) forever. */
TEST(evtchn_unmask_raises_an_event_that_came_while_masked)
{
    uint64_t sel = 0;
    uint8_t upcall = 0;

    reset();
    mask[1] = 1ull << 7;
    pending[1] = 1ull << 7; /* VIRQ_TIMER fired while masked */
    CHECK(evtchn_unmask(pending, mask, &sel, &upcall, 64 + 7));
    CHECK(mask[1] == 0 && sel == 1ull << 1 && upcall == 1);
    CHECK(evtchn_scan(pending, mask, sel, record, 0) == 1);
    CHECK(ngot == 1 && got[0] == 64 + 7 && pending[1] == 0);
}

TEST(evtchn_unmask_raises_nothing_without_an_event)
{
    uint64_t sel = 0;
    uint8_t upcall = 0;

    reset();
    mask[63] = ~0ull;
    CHECK(!evtchn_unmask(pending, mask, &sel, &upcall, EVTCHN_PORTS - 1));
    CHECK(mask[63] == ~0ull >> 1 && sel == 0 && upcall == 0);
    /* The word already selected: a scan is due anyway, no second raise. */
    pending[0] = 1;
    mask[0] = 1;
    sel = 1;
    CHECK(!evtchn_unmask(pending, mask, &sel, &upcall, 0));
    CHECK(mask[0] == 0 && sel == 1 && upcall == 0);
}
