/*
 * lwIP's options for the host fuzz target (tests/fuzz/fuzz_lwip_frames.c):
 * Tern's own (lib/lwip/port/lwipopts.h: MSS, window scaling, the OOSEQ
 * bounds, reassembly, DHCP, DNS, ARP, ICMP, raw, the ISN hook), then only
 * what a single-threaded host program needs to be different.
 */
#ifndef FUZZ_LWIPOPTS_H
#define FUZZ_LWIPOPTS_H

/* The Kconfig defaults (lib/lwip/Kconfig): the host has no .config. */
#define CONFIG_LWIP_SOCKETS 256
#define CONFIG_LWIP_HEAP_PERCENT 50
#define CONFIG_LWIP_TCP_WND_KIB 128
#define CONFIG_LWIP_TCP_SND_BUF_KIB 64
#define CONFIG_LWIP_RX_MSGS 512
#define CONFIG_LWIP_THREAD_STACK_KIB 32

#include "../../../lib/lwip/port/lwipopts.h"

/* No threads: the harness calls lwIP's input and timers itself (lwIP's
 * "mainloop" mode), so neither the tcpip thread nor the sequential APIs
 * that need it. */
#undef NO_SYS
#define NO_SYS 1
#undef LWIP_NETCONN
#define LWIP_NETCONN 0
#undef LWIP_SOCKET
#define LWIP_SOCKET 0
#undef LWIP_TCPIP_CORE_LOCKING
#define LWIP_TCPIP_CORE_LOCKING 0

/* Every pool element its own malloc, as in the image, and the heap the
 * C library's own, not the image's capped one (lib/lwip/heap.c needs the
 * kernel): AddressSanitizer then sees a read past a PCB or a use after
 * free. */
#undef MEMP_MEM_MALLOC
#define MEMP_MEM_MALLOC 1
/* lwIP 2.1.3's init.c, with MEMP_MEM_MALLOC and neither netconn nor
 * sockets, compares MEMP_NUM_NETCONN with pool counts that mean nothing
 * without pools (an #else that belongs to the other #if). */
#define LWIP_DISABLE_MEMP_SANITY_CHECKS 1
#undef mem_clib_malloc
#undef mem_clib_free
#undef mem_clib_calloc

/* Pool and heap counters: the harness checks that each input leaves
 * exactly what lwIP's start left (a leak is a finding). */
#undef LWIP_STATS
#define LWIP_STATS 1
#define MEM_STATS 1
#define MEMP_STATS 1

/* The cyclic timers' handler visible (timeouts.c, as for lwIP's own
 * tests), so the harness can start them afresh for each input. */
#define LWIP_TESTMODE 1

/* A random source that starts over with each input, so an input replays
 * the same (DHCP transaction ids, DNS ids and ports); the seeds rely on
 * it.  The image's is isn.c's keyed SipHash. */
#ifndef __ASSEMBLER__
#include <stdint.h>
uint32_t fuzz_lwip_rand(void);
#endif
#define LWIP_RAND() fuzz_lwip_rand()

#endif
