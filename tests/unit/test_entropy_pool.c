/* The pool's seeding and reseed rules, the hardware-source distrust rule
 * against stuck and lying sources, and the bias-free bound. */
#include <string.h>
#include <tern/entropy_pool.h>
#include "test.h"

#define SEC 1000000000ull

static const uint8_t sample[32] = {
    0x9e, 0x37, 0x79, 0xb9, 0x7f, 0x4a, 0x7c, 0x15, 0xf3, 0x9c, 0xc0,
    0x60, 0x5c, 0xed, 0xc8, 0x34, 0x10, 0x82, 0x27, 0x6b, 0xf3, 0xa2,
    0x72, 0x73, 0xd6, 0x3f, 0x35, 0x2a, 0xb4, 0x2b, 0x5c, 0xa5,
};

static int all_zero(const uint8_t *p, size_t n)
{
    while (n--)
        if (*p++)
            return 0;
    return 1;
}

TEST(pool_uncredited_input_never_seeds)
{
    struct entropy_pool p;

    pool_init(&p);
    for (int i = 0; i < 100; i++)
        pool_add(&p, sample, sizeof(sample), 0);
    CHECK(!pool_reseed(&p, 0));
    CHECK(!p.seeded);
    /* 255 credited bits are not enough either. */
    pool_add(&p, sample, sizeof(sample), 255);
    CHECK(!pool_reseed(&p, 0) && !p.seeded);
    pool_add(&p, sample, 1, 1);
    CHECK(pool_reseed(&p, 0) && p.seeded && p.reseeds == 1);
}

TEST(pool_credit_is_capped_at_8_bits_a_byte)
{
    struct entropy_pool p;

    pool_init(&p);
    pool_add(&p, sample, 4, 1000); /* 4 bytes cannot hold 1000 bits */
    CHECK(p.pending_bits == 32);
    pool_add(&p, sample, 16, 100000);
    CHECK(p.pending_bits == 32 + 128);
    for (int i = 0; i < 1000; i++)
        pool_add(&p, sample, 32, 256);
    CHECK(p.pending_bits == 16 * POOL_RESEED_BITS); /* no wrap-around */
}

/* Reseeds after the first need POOL_RESEED_BITS new credited bits; the
 * key changes only then. */
TEST(pool_reseed_is_catastrophic)
{
    struct entropy_pool p;
    uint8_t key[32];

    pool_init(&p);
    pool_add(&p, sample, 32, 256);
    CHECK(pool_reseed(&p, 5 * SEC));
    memcpy(key, p.key, 32);
    CHECK(!all_zero(key, 32));
    pool_add(&p, sample, 16, 128);
    CHECK(!pool_reseed(&p, 100 * SEC));
    CHECK(!memcmp(key, p.key, 32) && p.reseeds == 1 && p.reseed_ns == 5 * SEC);
    pool_add(&p, sample, 16, 128);
    CHECK(pool_reseed(&p, 100 * SEC));
    CHECK(memcmp(key, p.key, 32) && p.reseeds == 2 && p.pending_bits == 0);
}

TEST(pool_reseed_due_by_time_and_output)
{
    struct entropy_pool p;
    uint8_t buf[4096];

    pool_init(&p);
    CHECK(pool_reseed_due(&p, 0)); /* unseeded: always */
    pool_add(&p, sample, 32, 256);
    pool_reseed(&p, 10 * SEC);
    CHECK(!pool_reseed_due(&p, 10 * SEC));
    CHECK(!pool_reseed_due(&p, 10 * SEC + POOL_RESEED_INTERVAL_NS - 1));
    CHECK(pool_reseed_due(&p, 10 * SEC + POOL_RESEED_INTERVAL_NS));
    for (unsigned i = 0; i < POOL_RESEED_OUTPUT_BYTES / sizeof(buf) - 1; i++)
        pool_generate(&p, buf, sizeof(buf));
    CHECK(!pool_reseed_due(&p, 11 * SEC));
    pool_generate(&p, buf, sizeof(buf));
    CHECK(pool_reseed_due(&p, 11 * SEC));
    pool_add(&p, sample, 32, 256);
    pool_reseed(&p, 11 * SEC);
    CHECK(!pool_reseed_due(&p, 11 * SEC) && p.output_since_reseed == 0);
}

/* The construction is a function of its inputs: the same inputs give the
 * same bytes, and one bit of difference anywhere, credited or not, gives
 * different bytes.  (So nothing but the inputs decides the output: no
 * fixed seed hides in the pool.) */
TEST(pool_output_depends_on_every_input_bit)
{
    struct entropy_pool a, b;
    uint8_t oa[64], ob[64], flipped[32];

    memcpy(flipped, sample, 32);
    flipped[31] ^= 0x80;
    pool_init(&a);
    pool_init(&b);
    pool_add(&a, "boot", 4, 0);
    pool_add(&b, "boot", 4, 0);
    pool_add(&a, sample, 32, 256);
    pool_add(&b, sample, 32, 256);
    pool_reseed(&a, 0);
    pool_reseed(&b, 0);
    pool_generate(&a, oa, 64);
    pool_generate(&b, ob, 64);
    CHECK(!memcmp(oa, ob, 64));

    pool_init(&a);
    pool_init(&b);
    pool_add(&a, "boot", 4, 0);
    pool_add(&b, "boof", 4, 0); /* uncredited, still mixed in */
    pool_add(&a, sample, 32, 256);
    pool_add(&b, sample, 32, 256);
    pool_reseed(&a, 0);
    pool_reseed(&b, 0);
    pool_generate(&a, oa, 64);
    pool_generate(&b, ob, 64);
    CHECK(memcmp(oa, ob, 64));

    pool_init(&a);
    pool_init(&b);
    pool_add(&a, sample, 32, 256);
    pool_add(&b, flipped, 32, 256);
    pool_reseed(&a, 0);
    pool_reseed(&b, 0);
    pool_generate(&a, oa, 64);
    pool_generate(&b, ob, 64);
    CHECK(memcmp(oa, ob, 64));
}

/* Fast key erasure: each call replaces the key, so consecutive calls give
 * different bytes and the key after a call is not the one that made it. */
TEST(pool_generate_moves_the_key_every_call)
{
    struct entropy_pool p;
    uint8_t k0[32], o1[100], o2[100];

    pool_init(&p);
    pool_add(&p, sample, 32, 256);
    pool_reseed(&p, 0);
    memcpy(k0, p.key, 32);
    pool_generate(&p, o1, sizeof(o1));
    CHECK(memcmp(k0, p.key, 32));
    pool_generate(&p, o2, sizeof(o2));
    CHECK(memcmp(o1, o2, sizeof(o1)));
    memcpy(k0, p.key, 32);
    pool_generate(&p, o1, 0);
    CHECK(memcmp(k0, p.key, 32));
}

/* Output is ChaCha20's keystream under the key: block 0's second half,
 * then blocks 1.. ; the first half of block 0 is the next key. */
TEST(pool_generate_is_chacha20_with_key_erasure)
{
    static const uint8_t nonce[12];
    struct entropy_pool p;
    uint8_t key[32], block0[64], want[200], got[200];

    pool_init(&p);
    pool_add(&p, sample, 32, 256);
    pool_reseed(&p, 0);
    memcpy(key, p.key, 32);
    chacha20_block(key, 0, nonce, block0);
    memcpy(want, block0 + 32, 32);
    chacha20_stream(key, 1, nonce, want + 32, sizeof(want) - 32);
    pool_generate(&p, got, sizeof(got));
    CHECK(!memcmp(want, got, sizeof(got)));
    CHECK(!memcmp(p.key, block0, 32));
}

/* Large requests change key every POOL_CHUNK_BYTES: the second chunk is
 * not the first key's keystream continued. */
TEST(pool_generate_rekeys_within_large_requests)
{
    static const uint8_t nonce[12];
    static uint8_t got[POOL_CHUNK_BYTES + 64], want[POOL_CHUNK_BYTES + 64];
    struct entropy_pool p;
    uint8_t key[32];

    pool_init(&p);
    pool_add(&p, sample, 32, 256);
    pool_reseed(&p, 0);
    memcpy(key, p.key, 32);
    pool_generate(&p, got, sizeof(got));
    chacha20_stream(key, 1, nonce, want + 32, sizeof(want) - 32);
    CHECK(!memcmp(got + 32, want + 32, POOL_CHUNK_BYTES - 32));
    CHECK(memcmp(got + POOL_CHUNK_BYTES, want + POOL_CHUNK_BYTES, 64));
    CHECK(p.output_since_reseed == sizeof(got));
}

/* ---- hardware sources: a scripted instruction ---------------------- */
static uint64_t script[16];
static bool script_ok[16];
static unsigned script_len, script_at, raw_calls;

static bool scripted_raw(uint64_t *v)
{
    unsigned i = script_at < script_len ? script_at++ : script_len - 1;

    raw_calls++;
    *v = script[i];
    return script_ok[i];
}

static void play(struct hw_source *s, const uint64_t *values,
                 const bool *ok, unsigned n)
{
    memcpy(script, values, n * sizeof(*values));
    memcpy(script_ok, ok, n * sizeof(*ok));
    script_len = n;
    script_at = raw_calls = 0;
    *s = (struct hw_source){.name = "rdfake", .raw = scripted_raw,
                            .tries = 10, .credit_bits = 64};
}

/* AMD's bug: CF=1 and all ones, forever. */
TEST(source_stuck_all_ones_is_distrusted_with_a_line)
{
    struct hw_source s;
    uint64_t v = 0;
    static const uint64_t ones[] = {~0ull};
    static const bool yes[] = {true};

    play(&s, ones, yes, 1);
    CHECK(!source_selftest(&s, 8));
    CHECK(s.distrusted && s.draws == 0);
    CHECK(log_contains("entropy: rdfake returned all ones (AMD's RDRAND bug) "
                       "(0xffffffffffffffff): distrusted"));
    /* Out for good: no more instructions run, nothing is handed out. */
    raw_calls = 0;
    CHECK(source_draw(&s, &v) == DRAW_DISTRUSTED && raw_calls == 0 && v == 0);
}

TEST(source_all_zeros_is_distrusted)
{
    struct hw_source s;
    uint64_t v;
    static const uint64_t vals[] = {0x1234, 0};
    static const bool yes[] = {true, true};

    play(&s, vals, yes, 2);
    CHECK(source_draw(&s, &v) == DRAW_OK && v == 0x1234);
    CHECK(source_draw(&s, &v) == DRAW_DISTRUSTED && s.distrusted);
    CHECK(log_contains("rdfake returned all zeros"));
}

TEST(source_repeating_a_value_is_distrusted)
{
    struct hw_source s;
    uint64_t v;
    static const uint64_t vals[] = {0x5555aaaa12345678, 0x0123456789abcdef,
                                    0x0123456789abcdef};
    static const bool yes[] = {true, true, true};

    play(&s, vals, yes, 3);
    CHECK(!source_selftest(&s, 8));
    CHECK(s.draws == 2 && s.distrusted);
    CHECK(log_contains("rdfake returned the same value twice in a row"));
    CHECK(source_draw(&s, &v) == DRAW_DISTRUSTED);
}

/* CF=0 is transient: retried, but at most `tries` times a draw. */
TEST(source_retries_are_bounded)
{
    struct hw_source s;
    uint64_t v = 7;
    static const uint64_t vals[] = {0x1111, 0x2222, 0x3333};
    static const bool ok[] = {false, false, true};

    play(&s, vals, ok, 3);
    CHECK(source_draw(&s, &v) == DRAW_OK && v == 0x3333 && raw_calls == 3);
    CHECK(!s.distrusted);

    play(&s, vals, ok, 2); /* never succeeds */
    v = 7;
    CHECK(source_draw(&s, &v) == DRAW_EMPTY && raw_calls == 10 && v == 7);
    CHECK(s.failed_draws == 1 && !s.distrusted);
    CHECK(!source_selftest(&s, 4) && s.distrusted);
    CHECK(log_contains("rdfake gave no value in 10 tries: not used"));
}

TEST(source_healthy_passes_selftest)
{
    struct hw_source s;
    static const uint64_t vals[] = {1, 2, 3, 4, 5, 6, 7, 8};
    static const bool ok[] = {true, false, true, true, true, true, true, true};

    play(&s, vals, ok, 8);
    CHECK(source_selftest(&s, 6) && !s.distrusted && s.draws == 6);
    CHECK(!log_contains("rdfake"));
}

/* virtio-rng's buffers: a device that lies with constant or repeated
 * bytes is caught; short buffers are not judged. */
TEST(device_bytes_stuck_or_repeated)
{
    uint8_t ones[64], good[16], again[16];
    uint64_t last = 0;

    memset(ones, 0xff, sizeof(ones));
    memcpy(good, sample, 16);
    memcpy(again, sample, 8);
    memcpy(again + 8, sample + 20, 8); /* same head, different tail */
    CHECK(!device_bytes_broken_rule(good, 16, &last));
    CHECK(!strcmp(device_bytes_broken_rule(ones, 64, &last),
                  "returned a buffer of identical bytes"));
    CHECK(!strcmp(device_bytes_broken_rule(again, 16, &last),
                  "returned the same bytes twice in a row"));
    CHECK(!device_bytes_broken_rule(ones, 7, &last));
    CHECK(!device_bytes_broken_rule(sample + 16, 16, &last));
}

TEST(jitter_constant_deltas_detected)
{
    static const uint64_t flat[8] = {40, 40, 40, 40, 40, 40, 40, 40};
    static const uint64_t noisy[8] = {40, 40, 40, 41, 40, 40, 40, 40};

    CHECK(!jitter_deltas_vary(flat, 8));
    CHECK(jitter_deltas_vary(noisy, 8));
}

/* ---- the bound --------------------------------------------------------- */
static uint32_t seq[8];
static unsigned seq_at;

/* Past the script, a value every bound accepts, so that a broken
 * rejection rule fails a check instead of looping for ever. */
static uint32_t next_scripted(void *ctx)
{
    (void)ctx;
    return seq_at < 8 ? seq[seq_at++] : 0xffffffffu;
}

TEST(uniform_rejects_below_the_threshold)
{
    /* bound 3: 2^32 mod 3 = 1, so 0 is drawn again. */
    memset(seq, 0, sizeof(seq));
    seq[0] = 0, seq[1] = 0, seq[2] = 5;
    seq_at = 0;
    CHECK(uniform_threshold(3) == 1);
    CHECK(uniform_below(3, next_scripted, 0) == 2 && seq_at == 3);
    /* bound 2^31 + 1: the threshold is 2^31 - 1, nearly half. */
    CHECK(uniform_threshold(0x80000001u) == 0x7fffffffu);
    seq[0] = 0x7ffffffe, seq[1] = 0x7fffffff;
    seq_at = 0;
    CHECK(uniform_below(0x80000001u, next_scripted, 0) == 0x7fffffff &&
          seq_at == 2);
    seq[0] = 0xffffffff;
    seq_at = 0;
    CHECK(uniform_below(0x80000001u, next_scripted, 0) == 0x7ffffffe);
}

TEST(uniform_small_bounds_use_no_randomness)
{
    seq_at = 0;
    CHECK(uniform_below(0, next_scripted, 0) == 0);
    CHECK(uniform_below(1, next_scripted, 0) == 0);
    CHECK(seq_at == 0);
    CHECK(uniform_threshold(1u << 20) == 0); /* powers of two: no rejects */
}

/* Bias-free: the accepted range [t, 2^32) is a whole number of copies of
 * [0, bound), for every bound, so each result has as many preimages. */
TEST(uniform_accepted_range_is_whole_copies)
{
    uint32_t x = 2463534242u;

    for (uint32_t b = 2; b < 5000; b++)
        CHECK((((1ull << 32) - uniform_threshold(b)) % b) == 0 &&
              uniform_threshold(b) < b);
    for (int i = 0; i < 100000; i++) { /* xorshift32 over the whole range */
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        if (x >= 2)
            CHECK((((1ull << 32) - uniform_threshold(x)) % x) == 0 &&
                  uniform_threshold(x) < x);
    }
    CHECK((((1ull << 32) - uniform_threshold(0xffffffffu)) % 0xffffffffu) == 0);
}

/* A reseed keeps what earlier ones collected: two pools that differ only
 * in their first seeding stay different after the same second one. */
TEST(pool_reseed_keeps_the_old_key_in)
{
    struct entropy_pool a, b;
    uint8_t other[32];

    memcpy(other, sample, 32);
    other[0] ^= 1;
    pool_init(&a);
    pool_init(&b);
    pool_add(&a, sample, 32, 256);
    pool_add(&b, other, 32, 256);
    pool_reseed(&a, 0);
    pool_reseed(&b, 0);
    /* Start both input hashes afresh, as if the carried hash were lost:
     * only the key links the rounds now. */
    blake2s_init(&a.input, 32, NULL, 0);
    blake2s_init(&b.input, 32, NULL, 0);
    pool_add(&a, sample, 32, 256);
    pool_add(&b, sample, 32, 256);
    pool_reseed(&a, 1);
    pool_reseed(&b, 1);
    CHECK(memcmp(a.key, b.key, 32));
}
