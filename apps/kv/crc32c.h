/* CRC-32C (Castagnoli), the snapshot's checksum. */
#ifndef KV_CRC32C_H
#define KV_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/* Continue a CRC: start with crc = 0; kv_crc32c(0, "123456789", 9) is
 * 0xe3069283. */
uint32_t kv_crc32c(uint32_t crc, const void *data, size_t len);

#endif
