/* The PV console's output ring (xen/io/console.h).  The indices live in a
 * page the backend also writes, so they are untrusted: pure logic here,
 * unit-tested on the host with hostile values. */
#ifndef TERN_XEN_CONSOLE_RING_H
#define TERN_XEN_CONSOLE_RING_H

#include <stddef.h>
#include <stdint.h>
#include <xen/io/console.h>

/* Queue up to n bytes; returns how many were queued (0 when the ring is
 * full), or -1 when out_prod - out_cons is more than the ring holds, in
 * which case nothing is written.  Writes never leave out[]. */
long xencons_ring_put(volatile struct xencons_interface *ring, const char *s,
                      size_t n);

/* How xencons_write reaches the backend: notify() after bytes were queued
 * (an event-channel send), wait() while the ring is full (give the backend
 * the CPU).  max_waits: waits in a row without room before giving up. */
struct xencons_writer {
    void (*notify)(void *ctx);
    void (*wait)(void *ctx);
    void *ctx;
    unsigned max_waits;
};

/* Queue all n bytes, notifying once per put that queued some, never for
 * a put that queued nothing (the backend already knows of what is in the
 * ring).  Returns the bytes queued: fewer than n when the backend left the
 * ring full for max_waits waits; -1 on out-of-range indices. */
long xencons_write(volatile struct xencons_interface *ring, const char *s,
                   size_t n, const struct xencons_writer *w);

#endif
