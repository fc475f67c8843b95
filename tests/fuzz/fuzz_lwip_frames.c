/*
 * libFuzzer target: Ethernet frames from a peer into lwIP 2.1.3's input
 * path, as our port builds it (tests/fuzz/lwip/lwipopts.h takes Tern's
 * options and isn.c's ISN hook), on the host without threads.
 *
 * Two interfaces: eth0 is 10.0.2.15/24 (gateway 10.0.2.2) with a TCP
 * server on port 80 (raw API: accepts, echoes, closes or aborts on the
 * peer's word), a UDP echo on 7 and a raw ICMP pcb; eth1 runs DHCP.  Each
 * sent frame is checked (14 to 1514 bytes) and dropped.
 *
 * The input is records: [time][len_hi][len_lo][frame].  The frame
 * (at most FRAME_MAX bytes; bit 15 of the length sends it to eth1) goes
 * through netif->input (ethernet_input); then the fake clock moves on by
 * `time` (6 bits of count, 2 of unit: 1 ms to 16 s; 5.5 minutes in all),
 * from one due timer to the next, running each, so retransmission,
 * TIME_WAIT, reassembly and ARP expiry all run.
 *
 * After each input everything is torn down, reassembly flushed and the
 * timers started afresh at time 0, so each input starts from the same
 * state (a crash replays); then lwIP's pool and heap counters must be
 * back to what lwIP's start left, and no timeout pending: anything more
 * is a leak.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <lwip/dhcp.h>
#include <lwip/etharp.h>
#include <lwip/init.h>
#include <lwip/ip4_frag.h>
#include <lwip/memp.h>
#include <lwip/netif.h>
#include <lwip/pbuf.h>
#include <lwip/raw.h>
#include <lwip/stats.h>
#include <lwip/tcp.h>
#include <lwip/timeouts.h>
#include <lwip/udp.h>
#include <lwip/priv/tcp_priv.h>
#include <netif/ethernet.h>
#include <tern/entropy.h>
#include <tern/lwip_port.h>
#include <tern/time.h>

#define FRAME_MAX 1514      /* netdev_received's bound: the MTU and a header */
#define FRAMES_MAX 64       /* per input: keeps an input under a millisecond */
#define TIME_BUDGET_MS 330000 /* per input: past TIME_WAIT and ARP's 5 min */
#define TCP_TIMER_MS 250

#define check(ok)                                                          \
    do {                                                                   \
        if (!(ok)) {                                                       \
            fprintf(stderr, "fuzz_lwip_frames.c:%d: %s\n", __LINE__, #ok); \
            abort();                                                       \
        }                                                                  \
    } while (0)

static const char *const pool_names[] = {
#define LWIP_MEMPOOL(name, num, size, desc) #name,
#include <lwip/priv/memp_std.h>
};

static struct netif eth0, eth1;
static struct tcp_pcb *listener;
static struct udp_pcb *udp_echo;
static struct raw_pcb *raw_icmp;
static uint32_t now_ms, rand_count;
static mem_size_t baseline_memp[MEMP_MAX];
static mem_size_t baseline_mem;
static bool verbose;

/* ---- the platform lwIP and isn.c call --------------------------------- */
u32_t sys_now(void)
{
    return now_ms;
}

/* isn.c's 4-microsecond clock: the fake one, which each input starts at
 * 0, so the seeds (lwip_seeds.py) can work out a SYN-ACK's ISN. */
uint64_t clock_monotonic_ns(void)
{
    return (uint64_t)now_ms * 1000000;
}

/* isn.c's key: SipHash's test key, bytes 0 to 15 (make_seeds.py too). */
int entropy_read(void *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        ((uint8_t *)out)[i] = (uint8_t)i;
    return 0;
}

uint32_t fuzz_lwip_rand(void)
{
    return 0x12345678u + 0x9e3779b9u * rand_count++;
}

void tern_lwip_diag(const char *fmt, ...)
{
    (void)fmt;
}

void tern_lwip_assert(const char *msg, const char *file, int line)
{
    fprintf(stderr, "lwIP assertion \"%s\" at %s:%d\n", msg, file, line);
    abort();
}

/* ---- the interfaces ----------------------------------------------------- */
static err_t link_output(struct netif *netif, struct pbuf *p)
{
    check(p->tot_len >= SIZEOF_ETH_HDR && p->tot_len <= 1514);
    if (verbose) {
        uint8_t head[42] = {0};

        pbuf_copy_partial(p, head, sizeof head, 0);
        fprintf(stderr, "  out %c%c %4u bytes, type %02x%02x, proto %u\n",
                netif->name[0], netif->name[1], p->tot_len, head[12],
                head[13], head[23]);
    }
    return ERR_OK;
}

static err_t eth_init(struct netif *netif)
{
    netif->output = etharp_output;
    netif->linkoutput = link_output;
    netif->mtu = 1500;
    netif->hwaddr_len = ETH_HWADDR_LEN;
    memcpy(netif->hwaddr, "\x52\x54\x00\x12\x34\x56", ETH_HWADDR_LEN);
    netif->hwaddr[5] += (u8_t)(netif == &eth1);
    netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP |
                   NETIF_FLAG_ETHERNET | NETIF_FLAG_LINK_UP;
    netif->name[0] = 'e';
    netif->name[1] = netif == &eth1 ? '1' : '0';
    return ERR_OK;
}

/* ---- the TCP server: the first byte of what arrives says what it does -- */
static err_t on_tcp_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p,
                          err_t err)
{
    (void)arg;
    (void)err;
    if (p == NULL) /* the peer's FIN */
        return tcp_close(pcb) == ERR_OK ? ERR_OK : (tcp_abort(pcb), ERR_ABRT);
    u8_t first = pbuf_get_at(p, 0);
    u16_t len = p->tot_len;

    if (first == 'A') {
        pbuf_free(p);
        tcp_abort(pcb);
        return ERR_ABRT;
    }
    if (first != 'H') /* H: hold the window shut */
        tcp_recved(pcb, len);
    if (first == 'C') {
        pbuf_free(p);
        if (tcp_close(pcb) != ERR_OK) {
            tcp_abort(pcb);
            return ERR_ABRT;
        }
        return ERR_OK;
    }
    for (struct pbuf *q = p; q != NULL; q = q->next)
        if (tcp_write(pcb, q->payload, q->len, TCP_WRITE_FLAG_COPY) != ERR_OK)
            break;
    pbuf_free(p);
    tcp_output(pcb);
    return ERR_OK;
}

static void on_tcp_err(void *arg, err_t err)
{
    (void)arg;
    (void)err; /* the PCB is gone already */
}

static err_t on_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
    (void)arg;
    if (err != ERR_OK || pcb == NULL)
        return ERR_VAL;
    tcp_recv(pcb, on_tcp_recv);
    tcp_err(pcb, on_tcp_err);
    return ERR_OK;
}

static void on_udp_recv(void *arg, struct udp_pcb *pcb, struct pbuf *p,
                         const ip_addr_t *addr, u16_t port)
{
    struct pbuf *reply = pbuf_alloc(PBUF_TRANSPORT, p->tot_len, PBUF_RAM);

    (void)arg;
    if (reply != NULL) {
        pbuf_copy(reply, p);
        udp_sendto(pcb, reply, addr, port);
        pbuf_free(reply);
    }
    pbuf_free(p);
}

static u8_t on_raw_recv(void *arg, struct raw_pcb *pcb, struct pbuf *p,
                         const ip_addr_t *addr)
{
    (void)arg;
    (void)pcb;
    (void)p;
    (void)addr;
    return 0; /* not eaten: ICMP answers it */
}

/* ---- one input ---------------------------------------------------------- */
static void set_up(void)
{
    ip4_addr_t ip, mask, gw;

    rand_count = 0;
    IP4_ADDR(&ip, 10, 0, 2, 15);
    IP4_ADDR(&mask, 255, 255, 255, 0);
    IP4_ADDR(&gw, 10, 0, 2, 2);
    check(netif_add(&eth0, &ip, &mask, &gw, NULL, eth_init, ethernet_input));
    netif_set_default(&eth0);
    netif_set_up(&eth0);

    listener = tcp_new();
    check(listener && tcp_bind(listener, IP_ADDR_ANY, 80) == ERR_OK);
    listener = tcp_listen_with_backlog(listener, 4);
    check(listener);
    tcp_accept(listener, on_accept);
    udp_echo = udp_new();
    check(udp_echo && udp_bind(udp_echo, IP_ADDR_ANY, 7) == ERR_OK);
    udp_recv(udp_echo, on_udp_recv, NULL);
    raw_icmp = raw_new(IP_PROTO_ICMP);
    check(raw_icmp);
    raw_recv(raw_icmp, on_raw_recv, NULL);

    check(netif_add(&eth1, IP4_ADDR_ANY4, IP4_ADDR_ANY4, IP4_ADDR_ANY4, NULL,
                    eth_init, ethernet_input));
    netif_set_up(&eth1);
    check(dhcp_start(&eth1) == ERR_OK);
}

/* From one due timer to the next: each runs at its own time, as it
 * would on a real clock. */
static void run_timers_until(uint32_t until)
{
    while (now_ms != until) {
        now_ms += LWIP_MIN(until - now_ms, sys_timeouts_sleeptime());
        sys_check_timeouts();
        netif_poll_all();
    }
}

/* lwIP's timers as lwip_init left them, at time 0.  Only the cyclic ones
 * may be left: TCP's has stopped (no PCB) and nothing else is pending. */
static void restart_timers(void)
{
    for (int i = 0; i < lwip_num_cyclic_timers; i++)
        sys_untimeout(lwip_cyclic_timer, (void *)&lwip_cyclic_timers[i]);
    check(sys_timeouts_sleeptime() == SYS_TIMEOUTS_SLEEPTIME_INFINITE);
    now_ms = 0;
    sys_timeouts_init();
}

static uint32_t decode_time(uint8_t t)
{
    static const uint32_t unit_ms[4] = {1, 64, 1024, 16384};

    return (t & 0x3f) * unit_ms[t >> 6];
}

/* As lib/lwip/netif.c's receive: netdev_received has dropped frames
 * shorter than an Ethernet header; the port's rx_frame.c makes the pbuf. */
static void feed(struct netif *netif, const uint8_t *frame, size_t len)
{
    struct pbuf *p;

    if (len < SIZEOF_ETH_HDR)
        return;
    p = tern_lwip_rx_pbuf(frame, len);
    if (p == NULL)
        return;
    if (netif->input(p, netif) != ERR_OK)
        pbuf_free(p);
    netif_poll_all();
}

static void tear_down(void)
{
    while (tcp_active_pcbs != NULL)
        tcp_abort(tcp_active_pcbs);
    while (tcp_tw_pcbs != NULL)
        tcp_abort(tcp_tw_pcbs);
    check(tcp_close(listener) == ERR_OK);
    udp_remove(udp_echo);
    raw_remove(raw_icmp);
    dhcp_release_and_stop(&eth1);
    dhcp_cleanup(&eth1);
    netif_poll_all();
    netif_remove(&eth0);
    netif_remove(&eth1);
    /* Unfinished datagrams go when their timer has run out; TCP's timer
     * stops itself at its next tick once no PCB is left. */
    for (int i = 0; i <= IP_REASS_MAXAGE; i++)
        ip_reass_tmr();
    run_timers_until(now_ms + TCP_TIMER_MS);
    restart_timers();
}

static void check_nothing_held(void)
{
    for (int i = 0; i < MEMP_MAX; i++) {
        if (lwip_stats.memp[i]->used != baseline_memp[i]) {
            fprintf(stderr, "lwIP pool %s: %lu in use after the input, %lu "
                    "before\n", pool_names[i], (unsigned long)lwip_stats.memp[i]->used,
                    (unsigned long)baseline_memp[i]);
            abort();
        }
    }
    if (lwip_stats.mem.used != baseline_mem) {
        fprintf(stderr, "lwIP heap: %lu bytes in use after the input, %lu "
                "before\n", (unsigned long)lwip_stats.mem.used,
                (unsigned long)baseline_mem);
        abort();
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    verbose = getenv("FUZZ_LWIP_VERBOSE") != NULL;
    lwip_init();
    for (int i = 0; i < MEMP_MAX; i++)
        baseline_memp[i] = lwip_stats.memp[i]->used;
    baseline_mem = lwip_stats.mem.used;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t off = 0;
    uint32_t budget = TIME_BUDGET_MS;

    set_up();
    for (int n = 0; n < FRAMES_MAX && size - off >= 3; n++) {
        uint32_t wait = LWIP_MIN(decode_time(data[off]), budget);
        unsigned field = (unsigned)data[off + 1] << 8 | data[off + 2];
        size_t len = LWIP_MIN(field & 0x7ff, FRAME_MAX);

        off += 3;
        len = LWIP_MIN(len, size - off);
        if (verbose)
            fprintf(stderr, "frame %d: %zu bytes to eth%d, then %u ms\n", n,
                    len, field >> 15, wait);
        feed(field & 0x8000 ? &eth1 : &eth0, data + off, len);
        off += len;
        budget -= wait;
        run_timers_until(now_ms + wait);
    }
    if (verbose)
        fprintf(stderr, "eth1 %s\n", ip4addr_ntoa(netif_ip4_addr(&eth1)));
    tear_down();
    check_nothing_held();
    return 0;
}
