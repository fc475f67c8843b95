/* BLAKE2s (RFC 7693): the entropy pool's mixing function.  Pure: no
 * kernel calls. */
#ifndef TERN_BLAKE2S_H
#define TERN_BLAKE2S_H

#include <stddef.h>
#include <stdint.h>

#define BLAKE2S_OUT_BYTES 32
#define BLAKE2S_KEY_BYTES 32
#define BLAKE2S_BLOCK_BYTES 64

struct blake2s {
    uint32_t h[8];
    uint32_t t[2];     /* bytes hashed so far, 64 bits */
    uint8_t buf[BLAKE2S_BLOCK_BYTES];
    size_t buflen;     /* bytes waiting in buf: 0..64 */
    size_t outlen;
};

/* outlen 1..32; key NULL with keylen 0 for an unkeyed hash, else 1..32
 * bytes.  Returns -1 (and leaves s unusable) for lengths out of range. */
int blake2s_init(struct blake2s *s, size_t outlen, const void *key,
                 size_t keylen);
void blake2s_update(struct blake2s *s, const void *data, size_t n);
/* Writes s->outlen bytes and wipes s. */
void blake2s_final(struct blake2s *s, uint8_t *out);

#endif
