/*
 * The lwIP port's pure pieces (unit-tested on the host) and what the
 * runtime's own test apps ask of the network once it is up.
 */
#ifndef TERN_LWIP_PORT_H
#define TERN_LWIP_PORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* SipHash-2-4 of len bytes with a 128-bit key (RFC 6528's keyed hash for
 * initial sequence numbers; also the placeholder generator's). */
uint64_t siphash24(const uint8_t key[16], const void *data, size_t len);

/* A dotted quad, exactly: four decimal numbers 0-255 without leading
 * zeros (no octal or hex), nothing before or after.  *out in network
 * order (the first number is the lowest byte).  0, or -1 when malformed. */
int parse_ipv4(const char *s, uint32_t *out);
/* A netmask: a dotted quad whose ones are contiguous from the top. */
int parse_netmask(const char *s, uint32_t *out);

/* lwIP's heap: bytes in use, the most ever, the cap, and allocations
 * refused at the cap (lib/lwip/heap.c). */
struct lwip_heap_stats {
    size_t in_use, peak, cap;
    unsigned long refused;
};
const struct lwip_heap_stats *tern_lwip_heap_stats(void);

/* The last net.<name>= word of the command line, or NULL. */
const char *net_param(const char *key);
/* It as a number from lo to hi, else def (a bad one with a warning). */
unsigned net_param_uint(const char *key, unsigned def, unsigned lo,
                        unsigned hi);

struct netif;
struct pbuf;
/* A received frame (len bytes) copied into a heap pbuf for lwIP's input,
 * padded with zeros to Ethernet's 60-byte minimum, which lwIP's ARP
 * counts on (rx_frame.c); NULL when there is no memory. */
struct pbuf *tern_lwip_rx_pbuf(const void *frame, size_t len);
/* The lwIP interface on net<index>, NULL when there is none. */
struct netif *tern_lwip_netif(unsigned index);
/* Wait until netif has an address (DHCP bound or static), or the
 * monotonic deadline: true when it has one. */
bool tern_lwip_wait_address(struct netif *netif, uint64_t deadline);
/* Whether the address came from DHCP. */
bool tern_lwip_dhcp_bound(struct netif *netif);

#endif
