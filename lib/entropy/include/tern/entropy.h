/* The runtime's random numbers (lib/entropy; docs/entropy.md).
 *
 * Sources: RDSEED and RDRAND where the CPU has them and they pass the
 * health rules, timing jitter (mixed in, never credited), and whatever a
 * driver feeds with entropy_add() (virtio-rng, Xen).  Output: a ChaCha20
 * generator keyed from a BLAKE2s pool, seeded only once 256 bits have been
 * credited.  Apps use getentropy() and arc4random(); the runtime (TCP's
 * initial sequence numbers) uses entropy_read(). */
#ifndef TERN_ENTROPY_H
#define TERN_ENTROPY_H

#include <stddef.h>

/* Boot: find and check the CPU's sources and print one line naming the
 * sources in use ("entropy: rdseed rdrand jitter").  The pool is seeded
 * by the first read, or by a feeder's bytes. */
void entropy_init(void);

/* Mix n bytes into the pool, credited with at most credited_bits bits of
 * entropy (0 for bytes that are merely hard to guess).  source names the
 * feeder for the log.  Callable from an interrupt handler. */
void entropy_add(const void *bytes, size_t n, unsigned credited_bits,
                 const char *source);

/* A driver that fetches entropy on demand (virtio-rng).  request() asks
 * its device for more: it posts a request unless one is in flight, and
 * polls for completions when the device has no interrupt; the bytes come
 * back through entropy_add().  Called in thread context: when the feeder
 * is added, when a read finds the pool unseeded (then every 10 ms while
 * it waits, up to CONFIG_ENTROPY_WAIT_MS) and when a reseed is due. */
struct entropy_feeder {
    const char *name;
    void (*request)(struct entropy_feeder *f);
    struct entropy_feeder *next; /* lib/entropy's */
};
void entropy_add_feeder(struct entropy_feeder *f);
/* The device stopped (broken, timed out): no more requests. */
void entropy_remove_feeder(struct entropy_feeder *f);

/* n bytes of output: 0, or -1 when no credited entropy has ever arrived
 * (after waiting for an expected source; may sleep then). */
int entropy_read(void *out, size_t n);

/* Has the pool been seeded from credited sources (by a read or a
 * feeder)? */
int entropy_seeded(void);

/* The sources in use, as the start-of-day line names them. */
const char *entropy_describe(void);

#endif
