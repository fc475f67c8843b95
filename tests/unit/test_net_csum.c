/* virtio-net's completion of a partial checksum: right on a real UDP
 * packet, and never a byte outside the frame whatever the device says
 * (a csum_start at the last byte once wrapped the bound and wrote 64 KiB
 * past the buffer). */
#include <stdlib.h>
#include <string.h>
#include "../../lib/virtio/net_csum.h"
#include "test.h"

TEST(net_csum_completes_a_udp_checksum)
{
    /* IPv4 UDP 10.0.2.15:1234 -> 10.0.2.2:9, payload "hi": pseudo-header
     * sum in the field as a sender with offload leaves it. */
    uint8_t f[14 + 20 + 8 + 2] = {0};
    uint8_t *udp = f + 34;
    uint32_t pseudo = 0x0a00 + 0x020f + 0x0a00 + 0x0202 + 17 + 10;

    udp[0] = 0x04, udp[1] = 0xd2, udp[3] = 9, udp[5] = 10;
    udp[8] = 'h', udp[9] = 'i';
    while (pseudo >> 16)
        pseudo = (pseudo & 0xffff) + (pseudo >> 16);
    udp[6] = (uint8_t)(pseudo >> 8), udp[7] = (uint8_t)pseudo;
    CHECK(virtio_net_complete_csum(f, sizeof(f), 34, 6));
    /* Verify: the whole UDP part plus the pseudo-header sums to 0xffff. */
    uint32_t sum = 0x0a00 + 0x020f + 0x0a00 + 0x0202 + 17 + 10;
    for (unsigned i = 0; i < 10; i += 2)
        sum += (uint32_t)udp[i] << 8 | udp[i + 1];
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    CHECK(sum == 0xffff);
}

TEST(net_csum_never_writes_outside_the_frame)
{
    uint8_t *f = malloc(100); /* exactly the frame: ASan sees any overrun */

    memset(f, 1, 100);
    CHECK(!virtio_net_complete_csum(f, 100, 99, 4000)); /* wrapped once */
    CHECK(!virtio_net_complete_csum(f, 100, 99, 0));
    CHECK(!virtio_net_complete_csum(f, 100, 100, 0));
    CHECK(!virtio_net_complete_csum(f, 100, 60, 39));
    CHECK(!virtio_net_complete_csum(f, 1, 0, 0));
    CHECK(!virtio_net_complete_csum(f, 0, 0, 0));
    CHECK(!virtio_net_complete_csum(f, 100, 0xffff, 0xffff));
    CHECK(virtio_net_complete_csum(f, 100, 60, 38)); /* the last 2 bytes */
    CHECK(virtio_net_complete_csum(f, 100, 98, 0));
    free(f);
}
