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

/* Boot: find and check the CPU's sources, seed the pool, and print one
 * line naming the sources in use ("entropy: rdseed rdrand jitter"). */
void entropy_init(void);

/* Mix n bytes into the pool, credited with at most credited_bits bits of
 * entropy (0 for bytes that are merely hard to guess).  source names the
 * feeder for the log.  Callable from an interrupt handler. */
void entropy_add(const void *bytes, size_t n, unsigned credited_bits,
                 const char *source);

/* A driver that will credit entropy soon (a virtio-rng found at probe)
 * says so; entropy_read then waits for it, up to CONFIG_ENTROPY_WAIT_MS,
 * instead of failing at once.  entropy_source_gone() when it stops. */
void entropy_expect_source(const char *source);
void entropy_source_gone(const char *source);

/* n bytes of output: 0, or -1 when no credited entropy has ever arrived
 * (after waiting for an expected source; may sleep then). */
int entropy_read(void *out, size_t n);

/* Has the pool been seeded from credited sources? */
int entropy_seeded(void);

/* The sources in use, as the start-of-day line names them. */
const char *entropy_describe(void);

#endif
