/* Completing a partial checksum.  Pure. */
#include "net_csum.h"

bool virtio_net_complete_csum(uint8_t *f, uint32_t len, uint16_t start,
                              uint16_t offset)
{
    uint32_t sum = 0;

    /* In this order nothing can wrap: the field is inside the frame. */
    if (len < 2 || start > len - 2 || offset > len - 2 - start)
        return false;
    for (uint32_t i = start; i + 1 < len; i += 2)
        sum += (uint32_t)f[i] << 8 | f[i + 1];
    if ((len - start) & 1)
        sum += (uint32_t)f[len - 1] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    sum = ~sum & 0xffff;
    f[start + offset] = (uint8_t)(sum >> 8);
    f[start + offset + 1] = (uint8_t)sum;
    return true;
}
