/* The entropy pool and its output generator, the hardware-source health
 * rules and the bias-free bound: the pure logic of lib/entropy, apart from
 * the CPU instructions so that the unit tests drive it with stuck and
 * lying sources.
 *
 * Construction (the shape of Linux's since 5.17, and of Fortuna's
 * "catastrophic reseed"):
 *  - Input: every sample, credited or not, is hashed into a running
 *    BLAKE2s state.  Credited bits are only counted.
 *  - Reseed: when at least 256 credited bits have arrived since the last
 *    one, the hash is finalised to h, the generator's key becomes
 *    BLAKE2s(key = old key, h), and the next input hash starts from h.
 *    Fewer bits never reseed, so an attacker who once knew the key cannot
 *    follow small additions by guessing them one at a time.
 *  - Output: ChaCha20 under that key with "fast key erasure": each request
 *    first replaces the key with keystream, so a key read from memory later
 *    says nothing about bytes already handed out. */
#ifndef TERN_ENTROPY_POOL_H
#define TERN_ENTROPY_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <tern/blake2s.h>
#include <tern/chacha20.h>

/* Credited bits a reseed needs, first and every time after. */
#define POOL_RESEED_BITS 256
/* Once seeded: reseed after this long or this much output, when enough
 * new entropy is there (hardware sources are drawn from just before). */
#define POOL_RESEED_INTERVAL_NS (60ull * 1000000000ull)
#define POOL_RESEED_OUTPUT_BYTES (1u << 20)
/* One key never produces more than this before it is replaced. */
#define POOL_CHUNK_BYTES 4096

struct entropy_pool {
    struct blake2s input;
    uint32_t pending_bits;     /* credited since the last reseed, capped */
    bool seeded;               /* a reseed has happened */
    uint8_t key[CHACHA20_KEY_BYTES];
    uint64_t reseeds;
    uint64_t reseed_ns;        /* when the last one was */
    uint64_t output_since_reseed;
};

void pool_init(struct entropy_pool *p);
/* Hash n bytes in; credit at most 8 bits a byte (more is cut back). */
void pool_add(struct entropy_pool *p, const void *bytes, size_t n,
              unsigned credited_bits);
/* Is it time to gather fresh samples and reseed? */
bool pool_reseed_due(const struct entropy_pool *p, uint64_t now_ns);
/* Reseeds if POOL_RESEED_BITS are pending; returns whether it did. */
bool pool_reseed(struct entropy_pool *p, uint64_t now_ns);
/* n bytes of output; the caller checks p->seeded first. */
void pool_generate(struct entropy_pool *p, void *out, size_t n);

/* A hardware random instruction (RDSEED, RDRAND) and what has been seen
 * of it.  raw() is one attempt: false when the CPU said "no value now"
 * (CF=0), which Intel documents as transient. */
struct hw_source {
    const char *name;
    bool (*raw)(uint64_t *value);
    unsigned tries;            /* attempts per draw before giving up */
    unsigned credit_bits;      /* credited per 64-bit value */
    uint64_t last;
    bool have_last;
    bool distrusted;           /* for good: stuck sources stay stuck */
    uint64_t draws, failed_draws;
};

enum draw_result { DRAW_OK, DRAW_EMPTY, DRAW_DISTRUSTED };

/* One 64-bit value, at most s->tries attempts.  A value of all zeros or
 * all ones, or the value before repeated, distrusts the source with one
 * error line naming it and the rule (AMD's RDRAND bug returned all ones
 * with CF=1 forever; a chance false alarm has probability 2^-63 a draw). */
enum draw_result source_draw(struct hw_source *s, uint64_t *value);

/* Start-of-day check: `draws` values, each must come and pass the rule.
 * A source whose draws come back empty is not used (one line). */
bool source_selftest(struct hw_source *s, unsigned draws);

/* The same rule for a device's buffer of random bytes (virtio-rng): NULL,
 * or the rule it breaks: 8 or more bytes all equal, or the first 8 bytes
 * the same as the last buffer's (kept in *last). */
const char *device_bytes_broken_rule(const uint8_t *bytes, size_t len,
                                     uint64_t *last);

/* Timing jitter: n TSC deltas around the same work.  All equal means a
 * clock that counts instructions (QEMU -icount), no jitter at all. */
bool jitter_deltas_vary(const uint64_t *deltas, unsigned n);

/* A value uniform in [0, bound) from a uniform 32-bit source: values below
 * 2^32 mod bound are drawn again, so each result has exactly
 * (2^32 - 2^32 mod bound) / bound preimages.  bound < 2 gives 0. */
uint32_t uniform_below(uint32_t bound, uint32_t (*next)(void *ctx), void *ctx);
/* The smallest accepted value for a bound (2^32 mod bound), for tests. */
uint32_t uniform_threshold(uint32_t bound);

#endif
