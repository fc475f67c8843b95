/* SipHash-2-4 (Aumasson and Bernstein), as in the paper's reference code.
 * Pure: no kernel calls. */
#include <string.h>
#include <tern/lwip_port.h>

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

static uint64_t load64(const uint8_t *p)
{
    uint64_t v = 0;

    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

static void rounds(uint64_t v[4], int n)
{
    while (n--) {
        v[0] += v[1]; v[1] = ROTL(v[1], 13); v[1] ^= v[0]; v[0] = ROTL(v[0], 32);
        v[2] += v[3]; v[3] = ROTL(v[3], 16); v[3] ^= v[2];
        v[0] += v[3]; v[3] = ROTL(v[3], 21); v[3] ^= v[0];
        v[2] += v[1]; v[1] = ROTL(v[1], 17); v[1] ^= v[2]; v[2] = ROTL(v[2], 32);
    }
}

uint64_t siphash24(const uint8_t key[16], const void *data, size_t len)
{
    const uint8_t *p = data;
    uint64_t k0 = load64(key), k1 = load64(key + 8);
    uint64_t v[4] = {k0 ^ 0x736f6d6570736575ull, k1 ^ 0x646f72616e646f6dull,
                     k0 ^ 0x6c7967656e657261ull, k1 ^ 0x7465646279746573ull};
    uint8_t last[8] = {0};
    uint64_t m;

    for (; len >= 8; len -= 8, p += 8) {
        m = load64(p);
        v[3] ^= m;
        rounds(v, 2);
        v[0] ^= m;
    }
    memcpy(last, p, len);
    last[7] = (uint8_t)((p - (const uint8_t *)data) + len);
    m = load64(last);
    v[3] ^= m;
    rounds(v, 2);
    v[0] ^= m;
    v[2] ^= 0xff;
    rounds(v, 4);
    return v[0] ^ v[1] ^ v[2] ^ v[3];
}
