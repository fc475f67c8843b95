/* The xenstore rings (xen/io/xs_wire.h): 1 KiB each way in a page the
 * store writes too.  The indices run free (a slot is index & 1023); every
 * shared index is read once and checked before it is used: a producer
 * more than the ring's size ahead of its consumer is a lie, and nothing
 * is copied.  Pure logic, unit-tested with hostile values. */
#ifndef TERN_XS_RING_H
#define TERN_XS_RING_H

#include <stddef.h>
#include <stdint.h>
#include <xen/io/xs_wire.h>

/* The indices as read when a ring was found lying, for the error line. */
struct xs_ring_fault {
    uint32_t prod, cons;
};

/* Copy up to n bytes from the response ring to dst and move rsp_cons
 * past them.  Returns the bytes copied (0: none there), or -1 when
 * rsp_prod - rsp_cons exceeds the ring (*f says what was read). */
long xs_ring_read(volatile struct xenstore_domain_interface *x, void *dst,
                  size_t n, struct xs_ring_fault *f);

/* Copy up to n bytes from src into the request ring and move req_prod
 * past them.  Returns the bytes copied (0: the ring is full), or -1 when
 * req_prod - req_cons exceeds the ring. */
long xs_ring_write(volatile struct xenstore_domain_interface *x,
                   const void *src, size_t n, struct xs_ring_fault *f);

#endif
