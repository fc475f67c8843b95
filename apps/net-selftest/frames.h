/* Frame-building helpers shared by net-selftest and net-bench: network
 * byte order, the Internet checksum, one frame sent with a 2 s deadline
 * for ring space.  Included by both apps' main.c (SEC defined first). */
#ifndef APPS_NET_FRAMES_H
#define APPS_NET_FRAMES_H

#include <stddef.h>
#include <stdint.h>
#include <tern/netdev.h>
#include <tern/thread.h>

static inline void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static inline uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint16_t checksum(const uint8_t *p, size_t n)
{
    uint32_t sum = 0;

    for (size_t i = 0; i + 1 < n; i += 2)
        sum += get16(p + i);
    if (n & 1)
        sum += (uint32_t)p[n - 1] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

static inline int send_frame(struct netdev *dev, const uint8_t *f, size_t n)
{
    struct netdev_seg seg = {f, n};

    return netdev_send(dev, &seg, 1, NULL, thread_deadline(2 * SEC));
}

#endif
