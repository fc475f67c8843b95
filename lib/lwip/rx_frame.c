/*
 * A received Ethernet frame as the pbuf lwIP's ethernet_input takes,
 * padded with zeros to Ethernet's 60-byte minimum as a wire would pad it.
 *
 * Why: lwIP reads an ARP packet's 28 bytes without checking that the
 * frame holds them (etharp_input; so in 2.1.3 and upstream still): it
 * counts on that minimum.  A virtio backend need not pad (a tap passes
 * on a neighbour's 34-byte frame), and lwIP then read up to 28 bytes past
 * the frame's heap buffer, kept them in its ARP table and answered to a
 * MAC address made of them (found by tests/fuzz/fuzz_lwip_frames.c).
 * IP and UDP/TCP cut the padding off by their own lengths.
 */
#include <string.h>
#include <lwip/pbuf.h>
#include <tern/lwip_port.h>

#define ETH_MIN_FRAME 60 /* without the frame check sequence */

struct pbuf *tern_lwip_rx_pbuf(const void *frame, size_t len)
{
    size_t size = len < ETH_MIN_FRAME ? ETH_MIN_FRAME : len;
    struct pbuf *p;

    if (size > UINT16_MAX) /* pbufs count in u16_t */
        return NULL;
    p = pbuf_alloc(PBUF_RAW, (u16_t)size, PBUF_RAM);
    if (!p)
        return NULL;
    memcpy(p->payload, frame, len);
    memset((uint8_t *)p->payload + len, 0, size - len);
    return p;
}
