/* The xenstore request and response rings: copies in and out with
 * free-running 32-bit indices.  Each index in the shared page is read
 * exactly once per call (a store that changes it between two reads gets
 * the value we checked), and the copy is masked into the ring whatever
 * the indices say. */
#include <tern/xs_ring.h>

#define RING XENSTORE_RING_SIZE

long xs_ring_read(volatile struct xenstore_domain_interface *x, void *dst,
                  size_t n, struct xs_ring_fault *f)
{
    XENSTORE_RING_IDX cons = __atomic_load_n(&x->rsp_cons, __ATOMIC_RELAXED);
    /* Acquire: the bytes are read after the index that publishes them. */
    XENSTORE_RING_IDX prod = __atomic_load_n(&x->rsp_prod, __ATOMIC_ACQUIRE);
    XENSTORE_RING_IDX avail = prod - cons;
    unsigned char *out = dst;
    size_t i;

    if (avail > RING) {
        f->prod = prod;
        f->cons = cons;
        return -1;
    }
    if (n > avail)
        n = avail;
    for (i = 0; i < n; i++)
        out[i] = (unsigned char)x->rsp[MASK_XENSTORE_IDX(cons + i)];
    /* Release: our reads of the bytes finish before the store may reuse
     * their slots. */
    __atomic_store_n(&x->rsp_cons, cons + (XENSTORE_RING_IDX)n,
                     __ATOMIC_RELEASE);
    return (long)n;
}

long xs_ring_write(volatile struct xenstore_domain_interface *x,
                   const void *src, size_t n, struct xs_ring_fault *f)
{
    XENSTORE_RING_IDX cons = __atomic_load_n(&x->req_cons, __ATOMIC_ACQUIRE);
    XENSTORE_RING_IDX prod = __atomic_load_n(&x->req_prod, __ATOMIC_RELAXED);
    XENSTORE_RING_IDX used = prod - cons;
    const unsigned char *in = src;
    size_t i;

    if (used > RING) {
        f->prod = prod;
        f->cons = cons;
        return -1;
    }
    if (n > RING - used)
        n = RING - used;
    for (i = 0; i < n; i++)
        x->req[MASK_XENSTORE_IDX(prod + i)] = (char)in[i];
    /* Release: the bytes are in the ring before the index says so. */
    __atomic_store_n(&x->req_prod, prod + (XENSTORE_RING_IDX)n,
                     __ATOMIC_RELEASE);
    return (long)n;
}
