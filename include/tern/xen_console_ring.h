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

#endif
