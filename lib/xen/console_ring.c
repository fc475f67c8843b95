/* PV console output ring: producer side.  Indices are free-running 32-bit
 * counters; a slot is index & (size - 1). */
#include <tern/xen_console_ring.h>

long xencons_ring_put(volatile struct xencons_interface *ring, const char *s,
                      size_t n)
{
    XENCONS_RING_IDX cons = ring->out_cons, prod = ring->out_prod;
    size_t sent = 0;

    __atomic_thread_fence(__ATOMIC_ACQUIRE); /* read indices, then data */
    if ((XENCONS_RING_IDX)(prod - cons) > sizeof(ring->out))
        return -1;
    while (sent < n && (XENCONS_RING_IDX)(prod - cons) < sizeof(ring->out))
        ring->out[MASK_XENCONS_IDX(prod++, ring->out)] = s[sent++];
    __atomic_thread_fence(__ATOMIC_RELEASE); /* data before the index */
    ring->out_prod = prod;
    return (long)sent;
}
