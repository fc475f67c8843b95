/* lwip-probe: adversarial probes of the lwIP port, written in review and
 * kept for make test: out-of-order segments from fake peers must not
 * starve honest connections of TCP segments (ooseq), junk frames must be
 * dropped (junk); the rest (sys, conns, hold, loop, spin, isn, watch) are
 * for manual checks with the host scripts of the review. */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <lwip/api.h>
#include <lwip/sys.h>
#include <lwip/tcpip.h>
#include <lwip/etharp.h>
#include <lwip/prot/ip4.h>
#include <lwip/prot/tcp.h>
#include <lwip/inet_chksum.h>
#include <lwip/priv/tcp_priv.h>
#include <lwip/memp.h>
#include <tern/lwip_port.h>
#include <tern/thread.h>
#include <tern/time.h>
#include <tern/io.h>
#include "tern_lwip_hooks.h"

#define SEC 1000000000ull
uint32_t tern_lwip_rand(void);

static size_t heap(void) { return mallinfo().uordblks; }

static void pcbs(const char *when)
{
    int act = 0, tw = 0;
    LOCK_TCPIP_CORE();
    for (struct tcp_pcb *p = tcp_active_pcbs; p; p = p->next) act++;
    for (struct tcp_pcb *p = tcp_tw_pcbs; p; p = p->next) tw++;
    UNLOCK_TCPIP_CORE();
    printf("probe: %s: heap in use %zu, active pcbs %d, time-wait %d\n",
           when, heap(), act, tw);
}

/* ---- sys_arch semantics ---- */
static sys_sem_t s;
static sys_mbox_t mb;
static void *poster(void *a) { (void)a; thread_sleep_ns(50 * 1000000ull); sys_sem_signal(&s); sys_mbox_post(&mb, (void *)1); return NULL; }

static void sys_probe(void)
{
    u32_t r; uint64_t t0;
    sys_sem_new(&s, 0);
    sys_mbox_new(&mb, 2);
    t0 = clock_monotonic_ns();
    r = sys_arch_sem_wait(&s, 100);
    printf("probe: sem_wait(100) on empty: %u (TIMEOUT=%u) after %llu ms\n", (unsigned)r, (unsigned)SYS_ARCH_TIMEOUT, (unsigned long long)((clock_monotonic_ns() - t0) / 1000000));
    thread_detach(thread_create("poster", poster, NULL, 0));
    r = sys_arch_sem_wait(&s, 1000);
    printf("probe: sem_wait(1000) signalled after 50ms: %u\n", (unsigned)r);
    void *m = NULL;
    r = sys_arch_mbox_fetch(&mb, &m, 1000);
    printf("probe: mbox_fetch got %p ret %u\n", m, (unsigned)r);
    r = sys_arch_mbox_fetch(&mb, &m, 30);
    printf("probe: mbox_fetch(30) empty: %u\n", (unsigned)r);
    printf("probe: trypost x3 on size 2: %d %d %d\n", sys_mbox_trypost(&mb, (void*)1), sys_mbox_trypost(&mb, (void*)2), sys_mbox_trypost(&mb, (void*)3));
    printf("probe: tryfetch: %u, %u, %u\n", (unsigned)sys_arch_mbox_tryfetch(&mb, &m), (unsigned)sys_arch_mbox_tryfetch(&mb, &m), (unsigned)sys_arch_mbox_tryfetch(&mb, &m));
    printf("probe: sys_now %u\n", (unsigned)sys_now());
}

/* ---- many connections ---- */
static void conns(int n, int hold)
{
    struct netconn *l = netconn_new(NETCONN_TCP), *c;
    struct netconn **held = hold ? calloc(4096, sizeof *held) : NULL;
    int served = 0, nheld = 0;
    netconn_bind(l, IP4_ADDR_ANY, 7);
    netconn_listen(l);
    pcbs("before");
    printf("probe: listening\n");
    fflush(stdout);
    netconn_set_recvtimeout(l, 30000);
    for (int i = 0; i < n; i++) {
        err_t e = netconn_accept(l, &c);
        if (e != ERR_OK) { printf("probe: accept: %d after %d\n", e, i); break; }
        if (hold) { held[nheld++] = c; if (i % 16 == 0) pcbs("holding"); continue; }
        struct netbuf *b;
        netconn_set_recvtimeout(c, 10000);
        while (netconn_recv(c, &b) == ERR_OK) netbuf_delete(b);
        netconn_close(c);
        netconn_delete(c);
        served++;
        if (served == 1) pcbs("after 1");
        if (served % 500 == 0) pcbs("progress");
        if (served <= 20 || served % 100 == 0) printf("probe: t=%llu ms served %d\n", (unsigned long long)(clock_monotonic_ns()/1000000), served);
    }
    pcbs("after all");
    for (int i = 0; i < 300; i++) {
        thread_sleep_ns(SEC / 10);
        LOCK_TCPIP_CORE();
        int busy = tcp_active_pcbs != NULL;
        UNLOCK_TCPIP_CORE();
        if (!busy) break;
    }
    pcbs("settled");
    printf("probe: served %d\n", served);
}

/* ---- loopback connections ---- */
static int loop_n;
static void *loop_server(void *a)
{
    struct netconn *l = a, *c;
    for (int i = 0; i < loop_n; i++) {
        if (netconn_accept(l, &c) != ERR_OK) { printf("probe: accept failed at %d\n", i); break; }
        struct netbuf *b;
        while (netconn_recv(c, &b) == ERR_OK) netbuf_delete(b);
        netconn_close(c); netconn_delete(c);
    }
    return NULL;
}
static void loop(int n)
{
    ip_addr_t lo; ip_addr_set_loopback(0, &lo);
    struct netconn *l = netconn_new(NETCONN_TCP);
    netconn_bind(l, IP4_ADDR_ANY, 9000); netconn_listen(l);
    netconn_set_recvtimeout(l, 10000);
    loop_n = n;
    struct thread *t = thread_create("srv", loop_server, l, 0);
    size_t h0 = heap(); int fails = 0; uint64_t t0 = clock_monotonic_ns();
    pcbs("loop before");
    for (int i = 0; i < n; i++) {
        struct netconn *c = netconn_new(NETCONN_TCP);
        err_t e = c ? netconn_connect(c, &lo, 9000) : ERR_MEM;
        if (e == ERR_OK) e = netconn_write(c, "hello world", 11, NETCONN_COPY);
        if (e != ERR_OK) { fails++; if (fails < 5) printf("probe: conn %d: err %d\n", i, e); }
        if (c) { netconn_close(c); netconn_delete(c); }
        if (i == 0 || (i + 1) % 500 == 0) pcbs("loop progress");
    }
    thread_join(t, NULL);
    pcbs("loop after");
    printf("probe: loop %d connections, %d failed, %llu ms, heap %zu -> %zu\n", n, fails, (unsigned long long)((clock_monotonic_ns()-t0)/1000000), h0, heap());
}

/* ---- junk frames ---- */
static struct netif *nif;
static int inject(const uint8_t *f, size_t len)
{
    struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_RAM);
    if (!p) return -1;
    memcpy(p->payload, f, len);
    if (nif->input(p, nif) != ERR_OK) { pbuf_free(p); return -2; }
    return 0;
}
static uint32_t rs = 12345;
static uint32_t rnd(void) { rs ^= rs << 13; rs ^= rs >> 17; rs ^= rs << 5; return rs; }

static void junk(int n)
{
    uint8_t f[1514];
    nif = tern_lwip_netif(0);
    struct netconn *l = netconn_new(NETCONN_TCP);
    netconn_bind(l, IP4_ADDR_ANY, 7); netconn_listen(l);
    size_t h0 = heap();
    /* a valid-looking TCP SYN to port 7 from 10.0.2.2 */
    uint8_t base[54] = {0};
    memcpy(base, nif->hwaddr, 6);
    uint8_t smac[6] = {0x52,0x55,0x0a,0,2,2};
    memcpy(base + 6, smac, 6);
    base[12] = 0x08; base[13] = 0;
    struct ip_hdr *ip = (void *)(base + 14);
    IPH_VHL_SET(ip, 4, 5); IPH_LEN_SET(ip, lwip_htons(40)); IPH_TTL_SET(ip, 64); IPH_PROTO_SET(ip, 6);
    ip->src.addr = PP_HTONL(LWIP_MAKEU32(10,0,2,2)); ip->dest.addr = ip4_addr_get_u32(netif_ip4_addr(nif));
    IPH_CHKSUM_SET(ip, inet_chksum(ip, 20));
    struct tcp_hdr *t = (void *)(base + 34);
    t->src = lwip_htons(4444); t->dest = lwip_htons(7); t->seqno = lwip_htonl(1000);
    TCPH_HDRLEN_FLAGS_SET(t, 5, TCP_SYN); t->wnd = lwip_htons(8192);
    int drops = 0;
    for (int i = 0; i < n; i++) {
        size_t len = 14 + rnd() % 200;
        memcpy(f, base, 54);
        switch (rnd() % 6) {
        case 1: /* ARP */
            f[12] = 0x08; f[13] = 0x06; { static const uint8_t a[8] = {0,1,8,0,6,4,0,(uint8_t)1}; memcpy(f + 14, a, 8); f[21] = (uint8_t)(1 + rnd() % 2); memcpy(f + 22, smac, 6); memcpy(f + 28, &ip->src, 4); memset(f + 32, 0, 6); memcpy(f + 38, &ip->dest, 4); } if (len < 42) len = 42; break;
        case 2: /* fragment */
            { struct ip_hdr *h = (void *)(f + 14); IPH_OFFSET_SET(h, lwip_htons((u16_t)((rnd() % 2 ? IP_MF : 0) | (rnd() % 64)))); IPH_ID_SET(h, lwip_htons((u16_t)(rnd() % 4))); IPH_PROTO_SET(h, (u8_t)(rnd() % 2 ? 17 : 6)); if (len < 54) len = 54; IPH_LEN_SET(h, lwip_htons((u16_t)(len - 14))); IPH_CHKSUM_SET(h, 0); IPH_CHKSUM_SET(h, inet_chksum(h, 20)); } break;
        case 3: /* TCP with random options and flags to port 7 */
            { struct tcp_hdr *th = (void *)(f + 34); TCPH_HDRLEN_FLAGS_SET(th, 5 + rnd() % 11, rnd() & 0x3f); th->seqno = lwip_htonl(rnd()); th->ackno = lwip_htonl(rnd()); if (len < 120) len = 120; struct ip_hdr *h = (void *)(f + 14); IPH_LEN_SET(h, lwip_htons((u16_t)(len - 14))); IPH_CHKSUM_SET(h, 0); IPH_CHKSUM_SET(h, inet_chksum(h, 20)); } break;
        default: break;
        }
        if (rnd() % 2) { int flips = 1 + rnd() % 4; for (int k = 0; k < flips; k++) f[12 + rnd() % (len - 12)] ^= (uint8_t)(1u << (rnd() % 8)); }
        if (0) {
        for (size_t j = 54; j < len; j++) f[j] = (uint8_t)rnd();
        }
        if (rnd() % 16 == 0) f[12] = (uint8_t)rnd(), f[13] = (uint8_t)rnd();
        if (inject(f, len)) drops++;
        if (i % 256 == 255) thread_yield();
        if (i % 256 == 255) thread_sleep_ns(1000000);
    }
    thread_sleep_ns(SEC);
    printf("probe: junk %d frames, %d not queued; heap %zu -> %zu\n", n, drops, h0, heap());
}

/* ---- out-of-order segments hold the shared TCP segment pool ---- */
static void tcp_inject(u32_t src, u16_t sport, u32_t seq, u32_t ack, u8_t flags, const void *data, u16_t dlen)
{
    uint8_t f[1514] = {0};
    uint8_t smac[6] = {0x52,0x55,0x0a,0,2,0x63};
    memcpy(f, nif->hwaddr, 6); memcpy(f + 6, smac, 6); f[12] = 8; f[13] = 0;
    struct ip_hdr *ip = (void *)(f + 14);
    IPH_VHL_SET(ip, 4, 5); IPH_LEN_SET(ip, lwip_htons((u16_t)(40 + dlen))); IPH_TTL_SET(ip, 64); IPH_PROTO_SET(ip, 6);
    ip->src.addr = src; ip->dest.addr = ip4_addr_get_u32(netif_ip4_addr(nif));
    IPH_CHKSUM_SET(ip, inet_chksum(ip, 20));
    struct tcp_hdr *t = (void *)(f + 34);
    t->src = lwip_htons(sport); t->dest = lwip_htons(7); t->seqno = lwip_htonl(seq); t->ackno = lwip_htonl(ack);
    TCPH_HDRLEN_FLAGS_SET(t, 5, flags); t->wnd = lwip_htons(65535);
    memcpy(f + 54, data, dlen);
    ip_addr_t a, b; ip_addr_set_ip4_u32(&a, src); ip_addr_set_ip4_u32(&b, ip->dest.addr);
    /* a reference pbuf (a pool's, not the heap's, which may be full) */
    struct pbuf *q = pbuf_alloc(PBUF_RAW, (u16_t)(20 + dlen), PBUF_REF);
    if (!q)
        return;
    q->payload = t;
    t->chksum = ip_chksum_pseudo(q, IP_PROTO_TCP, (u16_t)(20 + dlen), &a, &b);
    pbuf_free(q);
    inject(f, 54 + dlen);
}

static void ooseq(int nconn, int segs)
{
    nif = tern_lwip_netif(0);
    struct netconn *l = netconn_new(NETCONN_TCP);
    netconn_bind(l, IP4_ADDR_ANY, 7); netconn_listen(l);
    size_t h0 = heap(); int est = 0, sent = 0;
    for (int k = 0; k < nconn; k++) {
        u32_t src = PP_HTONL(LWIP_MAKEU32(10, 0, 2, (u8_t)(100 + k)));
        u32_t cisn = 1000;
        tcp_inject(src, 5000, cisn, 0, TCP_SYN, NULL, 0);
        thread_sleep_ns(20000000);
        u32_t snd = 0; int found = 0;
        LOCK_TCPIP_CORE();
        for (struct tcp_pcb *p = tcp_active_pcbs; p; p = p->next)
            if (p->remote_port == 5000 && ip4_addr_get_u32(ip_2_ip4(&p->remote_ip)) == src) { snd = p->snd_nxt; found = 1; }
        UNLOCK_TCPIP_CORE();
        if (!found) { printf("probe: conn %d: no pcb\n", k); continue; }
        tcp_inject(src, 5000, cisn + 1, snd, TCP_ACK, NULL, 0);
        est++;
        for (int j = 0; j < segs; j++) {
            tcp_inject(src, 5000, cisn + 1 + 2 + 2 * (u32_t)j, snd, TCP_ACK, "x", 1);
            sent++;
            if (j % 128 == 127) thread_sleep_ns(2000000);
        }
        thread_sleep_ns(20000000);
    }
    thread_sleep_ns(200000000);
    int nooseq = 0;
    LOCK_TCPIP_CORE();
    for (struct tcp_pcb *p = tcp_active_pcbs; p; p = p->next)
        for (struct tcp_seg *sg = p->ooseq; sg; sg = sg->next) nooseq++;
    UNLOCK_TCPIP_CORE();
    printf("probe: %d fake peers, %d one-byte out-of-order segments sent; %d held in ooseq queues; heap %zu -> %zu\n", est, sent, nooseq, h0, heap());
    /* now an honest connection over loopback tries to send */
    ip_addr_t lo; ip_addr_set_loopback(0, &lo);
    struct netconn *sv = netconn_new(NETCONN_TCP); netconn_bind(sv, IP4_ADDR_ANY, 9001); netconn_listen(sv);
    struct netconn *c = netconn_new(NETCONN_TCP);
    err_t e = netconn_connect(c, &lo, 9001);
    printf("probe: honest loopback connect: %d\n", e);
    if (e == ERR_OK) {
        static char buf[16384];
        LOCK_TCPIP_CORE();
        err_t w = tcp_write(c->pcb.tcp, buf, sizeof buf, TCP_WRITE_FLAG_COPY);
        UNLOCK_TCPIP_CORE();
        printf("probe: honest tcp_write of 16 KiB: %d (ERR_MEM=%d)\n", w, ERR_MEM);
        netconn_set_sendtimeout(c, 3000);
        size_t written = 0;
        e = netconn_write_partly(c, buf, sizeof buf, NETCONN_COPY, &written);
        printf("probe: honest netconn_write: %d, %zu bytes written\n", e, written);
    }
}

/* ---- a thread that yields in a loop: do frames still come in? ---- */
#include <tern/netdev.h>
static void spin(int secs)
{
    struct netdev *d = netdev_get(0);
    printf("probe: spin ready\n"); fflush(stdout);
    thread_sleep_ns(3 * SEC);
    uint64_t r0 = netdev_stats(d)->rx_frames, t0 = clock_monotonic_ns();
    while (clock_monotonic_ns() - t0 < (uint64_t)secs * SEC) thread_yield();
    uint64_t r1 = netdev_stats(d)->rx_frames;
    thread_sleep_ns(2 * SEC);
    uint64_t r2 = netdev_stats(d)->rx_frames;
    printf("probe: rx frames: %llu during %d s of yielding, %llu in the 2 s sleep after\n", (unsigned long long)(r1 - r0), secs, (unsigned long long)(r2 - r1));
}

/* ---- ISN / key ---- */
static void isn(void)
{
    ip_addr_t a, b;
    IP_ADDR4(&a, 10,0,2,15); IP_ADDR4(&b, 10,0,2,2);
    uint32_t m = (uint32_t)(clock_monotonic_ns() / 4000);
    uint32_t v = tern_lwip_tcp_isn(&a, 7, &b, 4444);
    printf("probe: now rdtsc %llu monotonic %llu ns\n", (unsigned long long)rdtsc(), (unsigned long long)clock_monotonic_ns());
    printf("probe: isn F(tuple) ~ %08x (isn %08x m %08x); rand %08x\n", v - m, v, m, tern_lwip_rand());
}

/* ---- the ISNs lwIP uses: keyed per 4-tuple (RFC 6528), not a counter ----
 * Three 4-tuples' ISNs must lie far apart (lwIP's own counter gave values
 * a few ticks apart; a keyed hash puts them within 2^16 of each other
 * with a chance of about 1 in 20,000), and one 4-tuple's ISN must move
 * forward with the clock, a little. */
static uint32_t distance(uint32_t a, uint32_t b)
{
    uint32_t d = a - b;

    return d < 0x80000000u ? d : (uint32_t)-d;
}

static void isns(void)
{
    struct tcp_pcb *p[3];
    uint32_t v[3], again;
    int far = 1;

    LOCK_TCPIP_CORE();
    for (int i = 0; i < 3; i++) {
        p[i] = tcp_new();
        IP_ADDR4(&p[i]->local_ip, 10, 0, 2, 15);
        IP_ADDR4(&p[i]->remote_ip, 10, 0, 2, (u8_t)(2 + i));
        p[i]->local_port = (u16_t)(40000 + i);
        p[i]->remote_port = 80;
        v[i] = tcp_next_iss(p[i]);
    }
    UNLOCK_TCPIP_CORE();
    thread_sleep_ns(10000000);
    LOCK_TCPIP_CORE();
    again = tcp_next_iss(p[0]);
    for (int i = 0; i < 3; i++)
        tcp_abort(p[i]);
    UNLOCK_TCPIP_CORE();
    for (int i = 0; i < 3; i++)
        for (int j = i + 1; j < 3; j++)
            far &= distance(v[i], v[j]) >= 0x10000;
    printf("probe: isns %08x %08x %08x: %s; the first again 10 ms later "
           "moved %u\n", v[0], v[1], v[2], far ? "far apart" : "CLOSE",
           again - v[0]);
}

/* ---- peers filling connections the app never reads: lwIP's heap stays
 * under its cap and the app can still allocate ---- */
static void hog(int npeers, int segs)
{
    static char seg[TCP_MSS];
    const struct lwip_heap_stats *h = tern_lwip_heap_stats();
    int est = 0, sent = 0;
    void *big;

    nif = tern_lwip_netif(0);
    struct netconn *l = netconn_new(NETCONN_TCP);
    netconn_bind(l, IP4_ADDR_ANY, 7);
    netconn_listen(l);
    memset(seg, 'h', sizeof(seg));
    for (int k = 0; k < npeers; k++) {
        u32_t src = PP_HTONL(LWIP_MAKEU32(10, 0, 2, (u8_t)(100 + k)));
        u32_t cisn = 5000, snd = 0;
        int found = 0;

        tcp_inject(src, 6000, cisn, 0, TCP_SYN, NULL, 0);
        thread_sleep_ns(10000000);
        LOCK_TCPIP_CORE();
        for (struct tcp_pcb *p = tcp_active_pcbs; p; p = p->next)
            if (p->remote_port == 6000 && ip4_addr_get_u32(ip_2_ip4(&p->remote_ip)) == src) { snd = p->snd_nxt; found = 1; }
        UNLOCK_TCPIP_CORE();
        if (!found)
            continue;
        tcp_inject(src, 6000, cisn + 1, snd, TCP_ACK, NULL, 0);
        est++;
        for (int j = 0; j < segs; j++, sent++) {
            tcp_inject(src, 6000, cisn + 1 + (u32_t)j * TCP_MSS, snd, TCP_ACK, seg, TCP_MSS);
            thread_yield(); /* lwIP's thread takes it: none lost in a full queue */
        }
    }
    thread_sleep_ns(200000000);
    /* 1 MiB in 64 KiB pieces: memory, not one contiguous run */
    void *pieces[16];
    int got = 0;
    for (; got < 16 && (pieces[got] = malloc(64 << 10)); got++)
        ;
    big = got == 16 ? pieces[0] : NULL;
    printf("probe: hog: %d peers, %d segments of %d bytes to connections nobody "
           "reads; lwIP heap peak %zu of cap %zu, %lu refused; the app's 1 MiB "
           "during it: %s\n", est, sent, TCP_MSS, h->peak, h->cap,
           h->refused, big ? "ok" : "FAILED");
    while (got)
        free(pieces[--got]);
    netconn_delete(l);
    thread_sleep_ns(500000000);
    printf("probe: hog: after the listener closed, lwIP heap in use %zu\n", h->in_use);
}

/* ---- receive flood: report heap while idle ---- */
static void watch(int secs)
{
    for (int i = 0; i < secs; i++) { pcbs("watch"); thread_sleep_ns(SEC); }
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "sys";
    int n = argc > 2 ? atoi(argv[2]) : 100;
    if (!strcmp(mode, "sys")) sys_probe();
    else if (!strcmp(mode, "conns")) conns(n, 0);
    else if (!strcmp(mode, "hold")) conns(n, 1);
    else if (!strcmp(mode, "junk")) junk(n);
    else if (!strcmp(mode, "loop")) loop(n);
    else if (!strcmp(mode, "spin")) spin(n);
    else if (!strcmp(mode, "ooseq")) ooseq(n, argc > 3 ? atoi(argv[3]) : 100);
    else if (!strcmp(mode, "isn")) isn();
    else if (!strcmp(mode, "isns")) isns();
    else if (!strcmp(mode, "watch")) watch(n);
    else if (!strcmp(mode, "hog")) hog(n, argc > 3 ? atoi(argv[3]) : 100);
    printf("probe: done\n");
    return 0;
}
