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

long xencons_write(volatile struct xencons_interface *ring, const char *s,
                   size_t n, const struct xencons_writer *w)
{
    size_t done = 0;
    unsigned waits = 0;

    while (done < n) {
        long sent = xencons_ring_put(ring, s + done, n - done);

        if (sent < 0)
            return -1;
        if (sent > 0) {
            w->notify(w->ctx);
            done += (size_t)sent;
            waits = 0;
            continue;
        }
        if (waits++ == w->max_waits)
            break;
        w->wait(w->ctx);
    }
    return (long)done;
}
