/* The 2-level event channel scan: words selected by evtchn_pending_sel,
 * bits pending and not masked, each cleared before delivery; and the
 * unmask that re-raises what arrived while masked. */
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

bool evtchn_unmask(volatile uint64_t *pending, volatile uint64_t *mask,
                   volatile uint64_t *sel, volatile uint8_t *upcall_pending,
                   unsigned port)
{
    unsigned word = port / EVTCHN_WORD_BITS;
    uint64_t bit = 1ull << (port % EVTCHN_WORD_BITS);

    /* In this order, as Xen's evtchn_2l_unmask: an event that comes after
     * the mask is cleared is Xen's to raise, one before it is ours. */
    __atomic_fetch_and(&mask[word], ~bit, __ATOMIC_SEQ_CST);
    if (!(__atomic_load_n(&pending[word], __ATOMIC_SEQ_CST) & bit))
        return false;
    if (__atomic_fetch_or(sel, 1ull << word, __ATOMIC_SEQ_CST) &
        (1ull << word))
        return false; /* the word is selected already: a scan will see it */
    __atomic_store_n(upcall_pending, 1, __ATOMIC_SEQ_CST);
    return true;
}
