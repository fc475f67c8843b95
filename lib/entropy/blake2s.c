/* BLAKE2s, written from RFC 7693 (sections 2 and 3, appendix D's
 * structure).  The last block is held back in buf until final(), which
 * must mark it as last: so a full buffer is compressed only when more
 * input follows. */
#include <string.h>
#include <tern/blake2s.h>

static const uint32_t iv[8] = {
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
    0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

static const uint8_t sigma[10][16] = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
    {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
    {11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4},
    {7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8},
    {9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13},
    {2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9},
    {12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11},
    {13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10},
    {6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5},
    {10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0},
};

static uint32_t rotr(uint32_t v, int n)
{
    return v >> n | v << (32 - n);
}

static uint32_t load_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static void wipe(void *p, size_t n)
{
    memset(p, 0, n);
    __asm__ volatile("" : : "r"(p) : "memory");
}

static void mix(uint32_t *v, int a, int b, int c, int d, uint32_t x,
                uint32_t y)
{
    v[a] = v[a] + v[b] + x; v[d] = rotr(v[d] ^ v[a], 16);
    v[c] = v[c] + v[d];     v[b] = rotr(v[b] ^ v[c], 12);
    v[a] = v[a] + v[b] + y; v[d] = rotr(v[d] ^ v[a], 8);
    v[c] = v[c] + v[d];     v[b] = rotr(v[b] ^ v[c], 7);
}

static void compress(struct blake2s *s, int last)
{
    uint32_t v[16], m[16];

    for (int i = 0; i < 16; i++)
        m[i] = load_le32(s->buf + 4 * i);
    memcpy(v, s->h, sizeof(s->h));
    memcpy(v + 8, iv, sizeof(iv));
    v[12] ^= s->t[0];
    v[13] ^= s->t[1];
    if (last)
        v[14] = ~v[14];
    for (int r = 0; r < 10; r++) {
        const uint8_t *o = sigma[r];

        mix(v, 0, 4, 8, 12, m[o[0]], m[o[1]]);
        mix(v, 1, 5, 9, 13, m[o[2]], m[o[3]]);
        mix(v, 2, 6, 10, 14, m[o[4]], m[o[5]]);
        mix(v, 3, 7, 11, 15, m[o[6]], m[o[7]]);
        mix(v, 0, 5, 10, 15, m[o[8]], m[o[9]]);
        mix(v, 1, 6, 11, 12, m[o[10]], m[o[11]]);
        mix(v, 2, 7, 8, 13, m[o[12]], m[o[13]]);
        mix(v, 3, 4, 9, 14, m[o[14]], m[o[15]]);
    }
    for (int i = 0; i < 8; i++)
        s->h[i] ^= v[i] ^ v[i + 8];
    wipe(v, sizeof(v));
    wipe(m, sizeof(m));
}

static void count_bytes(struct blake2s *s, uint32_t n)
{
    s->t[0] += n;
    if (s->t[0] < n)
        s->t[1]++;
}

int blake2s_init(struct blake2s *s, size_t outlen, const void *key,
                 size_t keylen)
{
    if (outlen == 0 || outlen > BLAKE2S_OUT_BYTES ||
        keylen > BLAKE2S_KEY_BYTES || (keylen && !key))
        return -1;
    memset(s, 0, sizeof(*s));
    memcpy(s->h, iv, sizeof(iv));
    /* Parameter block word 0: digest length, key length, fanout 1,
     * depth 1 (sequential mode). */
    s->h[0] ^= 0x01010000 ^ (uint32_t)keylen << 8 ^ (uint32_t)outlen;
    s->outlen = outlen;
    if (keylen) { /* the key is the first block, zero-padded */
        memcpy(s->buf, key, keylen);
        s->buflen = BLAKE2S_BLOCK_BYTES;
    }
    return 0;
}

void blake2s_update(struct blake2s *s, const void *data, size_t n)
{
    const uint8_t *p = data;

    while (n) {
        size_t take;

        if (s->buflen == BLAKE2S_BLOCK_BYTES) { /* more follows: not last */
            count_bytes(s, BLAKE2S_BLOCK_BYTES);
            compress(s, 0);
            s->buflen = 0;
        }
        take = BLAKE2S_BLOCK_BYTES - s->buflen;
        if (take > n)
            take = n;
        memcpy(s->buf + s->buflen, p, take);
        s->buflen += take;
        p += take;
        n -= take;
    }
}

void blake2s_final(struct blake2s *s, uint8_t *out)
{
    uint8_t h[BLAKE2S_OUT_BYTES];

    count_bytes(s, (uint32_t)s->buflen);
    memset(s->buf + s->buflen, 0, BLAKE2S_BLOCK_BYTES - s->buflen);
    compress(s, 1);
    for (int i = 0; i < 8; i++) {
        h[4 * i] = (uint8_t)s->h[i];
        h[4 * i + 1] = (uint8_t)(s->h[i] >> 8);
        h[4 * i + 2] = (uint8_t)(s->h[i] >> 16);
        h[4 * i + 3] = (uint8_t)(s->h[i] >> 24);
    }
    memcpy(out, h, s->outlen);
    wipe(h, sizeof(h));
    wipe(s, sizeof(*s));
}
