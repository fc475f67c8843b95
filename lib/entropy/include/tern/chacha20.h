/* ChaCha20 (RFC 8439): the block function and its keystream, for the
 * entropy pool's output generator.  Pure: no kernel calls. */
#ifndef TERN_CHACHA20_H
#define TERN_CHACHA20_H

#include <stddef.h>
#include <stdint.h>

#define CHACHA20_KEY_BYTES 32
#define CHACHA20_NONCE_BYTES 12
#define CHACHA20_BLOCK_BYTES 64

/* One 64-byte block for (key, block counter, nonce), RFC 8439 2.3. */
void chacha20_block(const uint8_t key[CHACHA20_KEY_BYTES], uint32_t counter,
                    const uint8_t nonce[CHACHA20_NONCE_BYTES],
                    uint8_t out[CHACHA20_BLOCK_BYTES]);

/* n bytes of keystream from block `counter` on (RFC 8439 2.4 without the
 * XOR).  The caller keeps n below 2^32 blocks. */
void chacha20_stream(const uint8_t key[CHACHA20_KEY_BYTES], uint32_t counter,
                     const uint8_t nonce[CHACHA20_NONCE_BYTES], uint8_t *out,
                     size_t n);

#endif
