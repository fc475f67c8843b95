/* lwIP's hooks (LWIP_HOOK_FILENAME): included by lwIP where it calls them. */
#ifndef TERN_LWIP_HOOKS_H
#define TERN_LWIP_HOOKS_H

#include <lwip/ip_addr.h>

/* RFC 6528: a keyed hash of the connection's addresses and ports plus a
 * 4-microsecond clock (isn.c). */
u32_t tern_lwip_tcp_isn(const ip_addr_t *local_ip, u16_t local_port,
                        const ip_addr_t *remote_ip, u16_t remote_port);

#endif
