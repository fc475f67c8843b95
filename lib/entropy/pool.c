/* The pool: BLAKE2s over every input, catastrophic reseeds, ChaCha20
 * output with fast key erasure (the construction is described in
 * include/tern/entropy_pool.h). */
#include <string.h>
#include <tern/entropy_pool.h>

/* Credit is only counted up to here: one reseed's worth and some. */
#define PENDING_CAP (16 * POOL_RESEED_BITS)

static void wipe(void *p, size_t n)
{
    memset(p, 0, n);
    __asm__ volatile("" : : "r"(p) : "memory");
}

static void start_input(struct entropy_pool *p)
{
    blake2s_init(&p->input, BLAKE2S_OUT_BYTES, NULL, 0);
}

void pool_init(struct entropy_pool *p)
{
    memset(p, 0, sizeof(*p));
    start_input(p);
}

void pool_add(struct entropy_pool *p, const void *bytes, size_t n,
              unsigned credited_bits)
{
    uint64_t most = (uint64_t)n * 8, bits = credited_bits;

    blake2s_update(&p->input, bytes, n);
    if (bits > most)
        bits = most;
    bits += p->pending_bits;
    p->pending_bits = bits > PENDING_CAP ? PENDING_CAP : (uint32_t)bits;
}

bool pool_reseed_due(const struct entropy_pool *p, uint64_t now_ns)
{
    if (!p->seeded)
        return true;
    return now_ns - p->reseed_ns >= POOL_RESEED_INTERVAL_NS ||
           p->output_since_reseed >= POOL_RESEED_OUTPUT_BYTES;
}

bool pool_reseed(struct entropy_pool *p, uint64_t now_ns)
{
    uint8_t h[BLAKE2S_OUT_BYTES];
    struct blake2s k;

    if (p->pending_bits < POOL_RESEED_BITS)
        return false;
    blake2s_final(&p->input, h);
    /* The new key depends on the old one too: a reseed never throws away
     * what earlier ones collected. */
    blake2s_init(&k, CHACHA20_KEY_BYTES, p->key, sizeof(p->key));
    blake2s_update(&k, h, sizeof(h));
    blake2s_final(&k, p->key);
    start_input(p);
    blake2s_update(&p->input, h, sizeof(h));
    wipe(h, sizeof(h));
    p->pending_bits = 0;
    p->seeded = true;
    p->reseeds++;
    p->reseed_ns = now_ns;
    p->output_since_reseed = 0;
    return true;
}

/* One chunk under one key: block 0's first half is the next key, the
 * rest of the keystream is output. */
static void generate_chunk(struct entropy_pool *p, uint8_t *out, size_t n)
{
    static const uint8_t nonce[CHACHA20_NONCE_BYTES];
    uint8_t block[CHACHA20_BLOCK_BYTES];
    size_t first = CHACHA20_BLOCK_BYTES - CHACHA20_KEY_BYTES;

    chacha20_block(p->key, 0, nonce, block);
    if (first > n)
        first = n;
    memcpy(out, block + CHACHA20_KEY_BYTES, first);
    if (n > first)
        chacha20_stream(p->key, 1, nonce, out + first, n - first);
    memcpy(p->key, block, CHACHA20_KEY_BYTES);
    wipe(block, sizeof(block));
}

void pool_generate(struct entropy_pool *p, void *out, size_t n)
{
    uint8_t *o = out;

    /* Even 0 bytes move the key on: every call leaves a fresh key. */
    do {
        size_t chunk = n < POOL_CHUNK_BYTES ? n : POOL_CHUNK_BYTES;

        generate_chunk(p, o, chunk);
        o += chunk;
        n -= chunk;
        p->output_since_reseed += chunk;
    } while (n);
}
