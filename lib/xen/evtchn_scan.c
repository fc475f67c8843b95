/* The 2-level event channel scan: words selected by evtchn_pending_sel,
 * bits pending and not masked, each cleared before delivery. */
#include <tern/xen_evtchn.h>

unsigned evtchn_scan(volatile uint64_t *pending, const volatile uint64_t *mask,
                     uint64_t sel, void (*deliver)(unsigned port, void *ctx),
                     void *ctx)
{
    unsigned delivered = 0;

    while (sel) {
        unsigned word = (unsigned)__builtin_ctzll(sel);
        uint64_t ready;

        sel &= sel - 1;
        while ((ready = pending[word] & ~mask[word]) != 0) {
            unsigned bit = (unsigned)__builtin_ctzll(ready);

            __atomic_fetch_and(&pending[word], ~(1ull << bit),
                               __ATOMIC_SEQ_CST);
            deliver(word * EVTCHN_WORD_BITS + bit, ctx);
            delivered++;
        }
    }
    return delivered;
}
