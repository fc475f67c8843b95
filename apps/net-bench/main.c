/*
 * net-bench: frames per second through the first network card, for make
 * bench, against QEMU's user network (slirp, restrict=on: nothing leaves
 * QEMU).  Each figure is a line
 *
 *     bench: net <name> <frames> <ns>
 *
 * timed with clock_gettime(CLOCK_MONOTONIC) around the traffic alone:
 *   tx-60, tx-1514: UDP frames of 60 and 1514 bytes (without the FCS) to
 *     the gateway's discard port, sent as fast as the ring takes them
 *     (netdev_send waits for ring space; none is dropped); slirp drops
 *     them.  The time ends when the last one is on the ring.
 *   ping: ICMP echo round trips with the gateway 10.0.2.2, one at a time
 *     (a request sent, its reply received and checked, the next sent):
 *     each counts one frame out and one in.
 * The Linux guest tests/bench/bench.py runs beside it does the same with
 * pktgen and busybox ping -A.
 *
 * Arguments: <tx frames of each size> <pings>
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <tern/netdev.h>
#include <tern/thread.h>

#define SEC 1000000000ull
#include "../net-selftest/frames.h"
static const uint8_t our_ip[4] = {10, 0, 2, 15}, gw_ip[4] = {10, 0, 2, 2};
static uint8_t gw_mac[6];

static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * SEC + (uint64_t)ts.tv_nsec;
}


/* Ethernet and IPv4 headers to the gateway; the IP payload's length. */
static void ip_header(uint8_t *f, const uint8_t *mac, uint8_t proto,
                      size_t payload)
{
    uint8_t *ip = f + 14;

    memcpy(f, gw_mac, 6);
    memcpy(f + 6, mac, 6);
    put16(f + 12, 0x0800);
    memset(ip, 0, 20);
    ip[0] = 0x45;
    put16(ip + 2, (uint16_t)(20 + payload));
    ip[8] = 64;
    ip[9] = proto;
    memcpy(ip + 12, our_ip, 4);
    memcpy(ip + 16, gw_ip, 4);
    put16(ip + 10, checksum(ip, 20));
}

static int arp_gateway(struct netdev *dev)
{
    const uint8_t *mac = netdev_info(dev)->mac;
    uint8_t f[1514];
    uint64_t deadline = thread_deadline(3 * SEC);
    long n;

    memset(f, 0xff, 6);
    memcpy(f + 6, mac, 6);
    put16(f + 12, 0x0806);
    put16(f + 14, 1);
    put16(f + 16, 0x0800);
    f[18] = 6;
    f[19] = 4;
    put16(f + 20, 1);
    memcpy(f + 22, mac, 6);
    memcpy(f + 28, our_ip, 4);
    memset(f + 32, 0, 6);
    memcpy(f + 38, gw_ip, 4);
    if (send_frame(dev, f, 42))
        return -1;
    while ((n = netdev_recv(dev, f, sizeof(f), NULL, deadline)) > 0)
        if (n >= 42 && get16(f + 12) == 0x0806 && get16(f + 20) == 2 &&
            !memcmp(f + 28, gw_ip, 4)) {
            memcpy(gw_mac, f + 22, 6);
            return 0;
        }
    return -1;
}

static void tx(struct netdev *dev, size_t size, unsigned frames)
{
    static uint8_t f[1514];
    uint8_t *udp = f + 34;
    unsigned failed = 0;
    uint64_t t0, waits = netdev_stats(dev)->tx_waits;

    ip_header(f, netdev_info(dev)->mac, 17, size - 34);
    put16(udp, 40000);
    put16(udp + 2, 9); /* discard */
    put16(udp + 4, (uint16_t)(size - 34));
    put16(udp + 6, 0); /* no checksum */
    t0 = now_ns();
    for (unsigned i = 0; i < frames; i++)
        failed += send_frame(dev, f, size) != 0;
    t0 = now_ns() - t0;
    /* Waits say the ring was full: QEMU, not the guest, set the pace. */
    printf("net-bench: tx-%zu: %llu waits for ring space\n", size,
           (unsigned long long)(netdev_stats(dev)->tx_waits - waits));
    if (failed)
        printf("net-bench: tx-%zu: %u of %u failed\n", size, failed, frames);
    else
        printf("bench: net tx-%zu %u %llu\n", size, frames,
               (unsigned long long)t0);
}

/* Is f the reply to echo seq (56 bytes of data, like ping's)? */
static int is_reply(const uint8_t *f, long n, uint16_t seq)
{
    const uint8_t *icmp = f + 34;

    return n >= 34 + 64 && get16(f + 12) == 0x0800 && f[23] == 1 &&
           !memcmp(f + 26, gw_ip, 4) && icmp[0] == 0 &&
           get16(icmp + 4) == 0x7e57 && get16(icmp + 6) == seq &&
           checksum(icmp, 64) == 0;
}

static void ping(struct netdev *dev, unsigned count)
{
    static uint8_t f[1514], r[1514];
    uint8_t *icmp = f + 34;
    unsigned answered = 0;
    uint64_t t0 = now_ns();

    ip_header(f, netdev_info(dev)->mac, 1, 64);
    for (unsigned i = 0; i < count; i++) {
        uint64_t deadline = thread_deadline(SEC);
        long n;

        memset(icmp, 0, 64);
        icmp[0] = 8;
        put16(icmp + 4, 0x7e57);
        put16(icmp + 6, (uint16_t)i);
        put16(icmp + 2, checksum(icmp, 64));
        if (send_frame(dev, f, 34 + 64))
            break;
        while ((n = netdev_recv(dev, r, sizeof(r), NULL, deadline)) > 0 &&
               !is_reply(r, n, (uint16_t)i))
            ;
        if (n <= 0)
            break;
        answered++;
    }
    t0 = now_ns() - t0;
    if (answered < count)
        printf("net-bench: ping: %u of %u answered\n", answered, count);
    else
        printf("bench: net ping %u %llu\n", count, (unsigned long long)t0);
}

int main(int argc, char **argv)
{
    struct netdev *dev = netdev_get(0);

    if (argc < 3 || !dev) {
        printf("net-bench: usage: tx-frames pings; and a card (%u found)\n",
               netdev_count());
        return 1;
    }
    printf("net-bench: %s, %s\n", netdev_info(dev)->name,
           netdev_info(dev)->driver);
    if (arp_gateway(dev)) {
        printf("net-bench: no ARP reply from 10.0.2.2\n");
        return 1;
    }
    tx(dev, 60, (unsigned)strtoul(argv[1], NULL, 0));
    tx(dev, 1514, (unsigned)strtoul(argv[1], NULL, 0));
    ping(dev, (unsigned)strtoul(argv[2], NULL, 0));
    return 0;
}
