/* The 2-level event channel scan against crafted bitmaps. */
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

TEST(evtchn_hostile_selector_stays_inside_the_arrays)
{
    reset();
    pending[EVTCHN_WORDS] = ~0ull; /* just past the end: must not be read */
    for (unsigned w = 0; w < EVTCHN_WORDS; w++)
        pending[w] = ~0ull;
    CHECK(evtchn_scan(pending, mask, ~0ull, record, 0) == EVTCHN_PORTS);
    CHECK(got[EVTCHN_PORTS - 1] == EVTCHN_PORTS - 1);
    CHECK(pending[EVTCHN_WORDS] == ~0ull);
}
