/* ChaCha20's block function, written from RFC 8439 section 2.  Plain C
 * and constant-time by construction (additions, XORs and rotations
 * only); the unit tests check it against the RFC's vectors. */
#include <string.h>
#include <tern/chacha20.h>

static uint32_t rotl(uint32_t v, int n)
{
    return v << n | v >> (32 - n);
}

static uint32_t load_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static void store_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static void quarter_round(uint32_t *x, int a, int b, int c, int d)
{
    x[a] += x[b]; x[d] = rotl(x[d] ^ x[a], 16);
    x[c] += x[d]; x[b] = rotl(x[b] ^ x[c], 12);
    x[a] += x[b]; x[d] = rotl(x[d] ^ x[a], 8);
    x[c] += x[d]; x[b] = rotl(x[b] ^ x[c], 7);
}

void chacha20_block(const uint8_t key[CHACHA20_KEY_BYTES], uint32_t counter,
                    const uint8_t nonce[CHACHA20_NONCE_BYTES],
                    uint8_t out[CHACHA20_BLOCK_BYTES])
{
    /* "expand 32-byte k", the key, the counter, the nonce (2.3). */
    uint32_t in[16] = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574};
    uint32_t x[16];

    for (int i = 0; i < 8; i++)
        in[4 + i] = load_le32(key + 4 * i);
    in[12] = counter;
    for (int i = 0; i < 3; i++)
        in[13 + i] = load_le32(nonce + 4 * i);
    memcpy(x, in, sizeof(x));
    for (int i = 0; i < 10; i++) { /* 20 rounds: a column and a diagonal */
        quarter_round(x, 0, 4, 8, 12);
        quarter_round(x, 1, 5, 9, 13);
        quarter_round(x, 2, 6, 10, 14);
        quarter_round(x, 3, 7, 11, 15);
        quarter_round(x, 0, 5, 10, 15);
        quarter_round(x, 1, 6, 11, 12);
        quarter_round(x, 2, 7, 8, 13);
        quarter_round(x, 3, 4, 9, 14);
    }
    for (int i = 0; i < 16; i++)
        store_le32(out + 4 * i, x[i] + in[i]);
    /* The key schedule and working state are secrets: not left on the
     * stack for the next function to find. */
    memset(x, 0, sizeof(x));
    memset(in, 0, sizeof(in));
    __asm__ volatile("" : : "r"(x), "r"(in) : "memory");
}

void chacha20_stream(const uint8_t key[CHACHA20_KEY_BYTES], uint32_t counter,
                     const uint8_t nonce[CHACHA20_NONCE_BYTES], uint8_t *out,
                     size_t n)
{
    uint8_t block[CHACHA20_BLOCK_BYTES];

    for (; n >= sizeof(block); n -= sizeof(block), out += sizeof(block))
        chacha20_block(key, counter++, nonce, out);
    if (n) {
        chacha20_block(key, counter, nonce, block);
        memcpy(out, block, n);
        memset(block, 0, sizeof(block));
        __asm__ volatile("" : : "r"(block) : "memory");
    }
}
