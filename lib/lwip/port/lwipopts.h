/*
 * lwIP's options for Tern: a server's, not lwIP's defaults (5 TCP PCBs,
 * MSS 536, a 4-segment window, a 1600-byte heap).  Counts come from
 * Kconfig (lib/lwip/Kconfig); docs/networking.md says why each value.
 */
#ifndef TERN_LWIPOPTS_H
#define TERN_LWIPOPTS_H

#include <tern/config.h>

/* ---- the system: Tern's threads, lwIP's own thread ---------------------- */
#define NO_SYS 0
/* Empty protect macros: nothing preempts lwIP here (sys_arch.c says why). */
#define SYS_LIGHTWEIGHT_PROT 0
/* Apps call the netconn (later sockets) API under the core mutex instead
 * of a message and two context switches per call. */
#define LWIP_TCPIP_CORE_LOCKING 1
/* Frames go to the tcpip thread as messages: the receive function runs in
 * a driver's handler, which must not wait for the core mutex. */
#define LWIP_TCPIP_CORE_LOCKING_INPUT 0
#define TCPIP_THREAD_NAME "lwip"
#define TCPIP_THREAD_STACKSIZE (CONFIG_LWIP_THREAD_STACK_KIB * 1024)
#define TCPIP_THREAD_PRIO 0
#define TCPIP_MBOX_SIZE CONFIG_LWIP_RX_MSGS
#define LWIP_NETCONN 1
/* BSD sockets: lwIP's socket layer (api/sockets.c) under lib/sockets,
 * which gives each socket a descriptor in Tern's one table and does the
 * blocking there, so sockets, files and the console mix in one poll().
 * The POSIX names are lib/sockets' own, hence no lwIP compat macros. */
#define LWIP_SOCKET 1
#define LWIP_COMPAT_SOCKETS 0
#define LWIP_POSIX_SOCKETS_IO_NAMES 0
/* lib/sockets reads each socket's event counters (kept for select/poll)
 * to answer Tern's poll(); lwIP's own select and poll go unused. */
#define LWIP_SOCKET_SELECT 0
#define LWIP_SOCKET_POLL 1
#define LWIP_FIONREAD_LINUXMODE 1
#define SO_REUSE 1
#define LWIP_NETIF_API 0

/* ---- memory ------------------------------------------------------------- */
/* lwIP's heap (pbuf payloads, received frames) is the C library's malloc,
 * which takes pages on demand: no fixed arena in the image; capped at
 * CONFIG_LWIP_HEAP_PERCENT of RAM (heap.c says why). */
#define MEM_LIBC_MALLOC 1
#define mem_clib_malloc tern_lwip_malloc
#define mem_clib_free tern_lwip_free
#define mem_clib_calloc tern_lwip_calloc
#define MEM_ALIGNMENT 8
/* Control blocks (PCBs, segments, netconns) come from the same capped
 * heap, not fixed pools in .bss: lwIP's memory, all of it, is one budget
 * sized from the VM's RAM (heap.c), and the image is 240 KiB smaller.
 * At the cap, a failed PCB allocation makes lwIP reclaim TIME_WAIT (then
 * older) PCBs as a full pool did; SYNs past a listener's backlog are
 * dropped; sockets are bounded below. */
#define MEMP_MEM_MALLOC 1
/* One netconn per socket, and a socket needs a descriptor: no more than
 * the table holds (lwIP also wants FD_SETSIZE, which is CONFIG_FD_MAX,
 * to cover them).  lwIP's socket array (24 bytes each) is in .bss. */
#ifdef CONFIG_FD_MAX
#define MEMP_NUM_NETCONN LWIP_MIN(CONFIG_LWIP_SOCKETS, CONFIG_FD_MAX)
#else
#define MEMP_NUM_NETCONN CONFIG_LWIP_SOCKETS
#endif
/* lwIP's other MEMP_NUM_* counts (netbufs, messages, ARP queue entries,
 * reassembly records, UDP and raw PCBs) mean nothing with MEMP_MEM_MALLOC:
 * each is a heap allocation under the cap, and each socket's receive box
 * bounds its share (a flooded UDP socket nobody reads holds 64 datagrams
 * and leaves the rest for the others: socket-selftest checks it). */
/* No pbuf pool: lwIP's core allocates PBUF_RAM only, and received
 * frames take heap pbufs of their exact size (netif.c), so a fixed pool
 * would be .bss nobody uses. */
#define PBUF_POOL_SIZE 0

/* ---- protocols ---------------------------------------------------------- */
#define LWIP_IPV4 1
#define LWIP_IPV6 0
#define LWIP_ARP 1
#define ARP_TABLE_SIZE 32
#define ARP_QUEUEING 1
#define ETHARP_SUPPORT_STATIC_ENTRIES 0
#define LWIP_ICMP 1
#define LWIP_RAW 1
#define LWIP_UDP 1
#define LWIP_TCP 1
#define LWIP_IGMP 0
#define LWIP_DHCP 1
/* No ARP probe for the offered address: it costs every boot half a
 * second, and the VMM's DHCP server owns the range it hands out. */
#define DHCP_DOES_ARP_CHECK 0
#define LWIP_DNS 1
#define DNS_MAX_SERVERS 2
#define LWIP_AUTOIP 0
#define IP_REASSEMBLY 1
#define IP_FRAG 1
#define LWIP_NETIF_STATUS_CALLBACK 1
#define LWIP_NETIF_HOSTNAME 0
#define LWIP_NETIF_LOOPBACK 1
#define LWIP_HAVE_LOOPIF 1
#define LWIP_LOOPBACK_MAX_PBUFS 64

/* ---- TCP for a server --------------------------------------------------- */
#define TCP_MSS 1460
#define LWIP_WND_SCALE 1
/* Scale 4: windows up to 1 MiB (65535 << 4). */
#define TCP_RCV_SCALE 4
#define TCP_WND (CONFIG_LWIP_TCP_WND_KIB * 1024)
#define TCP_SND_BUF (CONFIG_LWIP_TCP_SND_BUF_KIB * 1024)
#define TCP_SND_QUEUELEN ((4 * TCP_SND_BUF + TCP_MSS - 1) / TCP_MSS)
/* Writable again at half the buffer, kept 4 MSS below 64 KiB as lwIP
 * requires. */
#define TCP_SNDLOWAT LWIP_MIN(TCP_SND_BUF / 2, 0xffff - 4 * TCP_MSS - 1)
#define TCP_QUEUE_OOSEQ 1
/* Out-of-order segments take slots of the one segment pool every
 * connection shares, and lwIP's default bounds them by nothing: one peer
 * sending 1-byte segments past a gap held all 2048 slots, and no other
 * connection could get a SYN-ACK or a write out.  Four segments and one
 * window a connection keep the pool for everyone. */
#define TCP_OOSEQ_MAX_PBUFS 4
#define TCP_OOSEQ_MAX_BYTES TCP_WND
#define TCP_LISTEN_BACKLOG 1
#define TCP_DEFAULT_LISTEN_BACKLOG 128
#define LWIP_TCP_KEEPALIVE 1
#define LWIP_SO_RCVTIMEO 1
#define LWIP_SO_SNDTIMEO 1
/* netconn receive queues: segments held for a connection until the app
 * reads them; more than a full window of full segments. */
#define DEFAULT_TCP_RECVMBOX_SIZE ((TCP_WND + TCP_MSS - 1) / TCP_MSS + 8)
#define DEFAULT_ACCEPTMBOX_SIZE TCP_DEFAULT_LISTEN_BACKLOG
#define DEFAULT_UDP_RECVMBOX_SIZE 64
#define DEFAULT_RAW_RECVMBOX_SIZE 16
/* RFC 6528 initial sequence numbers (isn.c). */
#define LWIP_HOOK_FILENAME "tern_lwip_hooks.h"
#define LWIP_HOOK_TCP_ISN tern_lwip_tcp_isn

/* ---- checksums: in software both ways, for now -------------------------- */
#define CHECKSUM_GEN_IP 1
#define CHECKSUM_GEN_UDP 1
#define CHECKSUM_GEN_TCP 1
#define CHECKSUM_GEN_ICMP 1
#define CHECKSUM_CHECK_IP 1
#define CHECKSUM_CHECK_UDP 1
#define CHECKSUM_CHECK_TCP 1
#define CHECKSUM_CHECK_ICMP 1
#define LWIP_CHECKSUM_ON_COPY 1

/* ---- no statistics or debug output in the image ------------------------- */
#define LWIP_STATS 0
#define LWIP_STATS_DISPLAY 0

#endif
