/*
 * lwip-selftest: lwIP on the first network card, against QEMU's user
 * network (slirp), from inside the runtime:
 *   - the address the runtime got at boot (DHCP, or net.ip=) is the one
 *     the harness expects, with the gateway it expects;
 *   - pings to a peer (slirp's 10.0.2.2) through a raw ICMP PCB, every reply checked
 *     (identifier, sequence, payload);
 *   - UDP datagrams to 127.0.0.1 and to its own address come back
 *     through lwIP's loopback;
 *   - a TCP echo server (netconn) on port 7 that the harness reaches
 *     from the host through a forwarded port: it serves that many
 *     connections and counts the bytes it echoed.
 * Everything stays inside QEMU (restrict=on) except the forwarded port,
 * which QEMU opens on the host's 127.0.0.1.
 *
 * Arguments: dhcp|static ADDRESS GATEWAY PEER [CONNECTIONS]
 *            none   (no address is expected: nothing answers DHCP)
 *            nocard (no network card: lwIP runs, loopback works)
 * PEER is pinged (slirp's 10.0.2.2 answers even with restrict=on, whose
 * DHCP offers no router: GATEWAY is then 0.0.0.0).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <lwip/api.h>
#include <lwip/inet_chksum.h>
#include <lwip/ip4_addr.h>
#include <lwip/prot/icmp.h>
#include <lwip/prot/ip4.h>
#include <lwip/priv/tcp_priv.h>
#include <lwip/raw.h>
#include <lwip/tcpip.h>
#include <tern/lwip_port.h>
#include <tern/tap.h>
#include <tern/thread.h>

#define SEC 1000000000ull
#define PINGS 5
#define PING_ID 0x7e57
#define PING_BYTES 56
#define ECHO_PORT 7

static struct semaphore ping_reply = SEMAPHORE_INIT(0);
static int ping_seq_seen = -1, ping_payload_ok;

static uint8_t payload_byte(int seq, int i)
{
    return (uint8_t)(seq * 31 + i);
}

/* The tcpip thread, for each ICMP packet (IP header first): ours are
 * eaten, anything else goes on to lwIP's own ICMP. */
static u8_t ping_recv(void *arg, struct raw_pcb *pcb, struct pbuf *p,
                      const ip_addr_t *addr)
{
    struct icmp_echo_hdr h;
    uint8_t data[PING_BYTES];
    u16_t hlen;

    (void)arg;
    (void)pcb;
    (void)addr;
    if (p->tot_len < IP_HLEN)
        return 0;
    hlen = (u16_t)(IPH_HL_BYTES((struct ip_hdr *)p->payload));
    if (p->tot_len != hlen + sizeof h + PING_BYTES ||
        pbuf_copy_partial(p, &h, sizeof h, hlen) != sizeof h ||
        h.type != ICMP_ER || h.id != lwip_htons(PING_ID))
        return 0;
    pbuf_copy_partial(p, data, PING_BYTES, (u16_t)(hlen + sizeof h));
    ping_seq_seen = lwip_ntohs(h.seqno);
    ping_payload_ok = 1;
    for (int i = 0; i < PING_BYTES; i++)
        ping_payload_ok &= data[i] == payload_byte(ping_seq_seen, i);
    pbuf_free(p);
    sem_up(&ping_reply);
    return 1;
}

static err_t ping_send(struct raw_pcb *pcb, const ip_addr_t *to, int seq)
{
    struct pbuf *p = pbuf_alloc(PBUF_IP, sizeof(struct icmp_echo_hdr) + PING_BYTES,
                                PBUF_RAM);
    struct icmp_echo_hdr *h;
    err_t err;

    if (!p)
        return ERR_MEM;
    h = p->payload;
    *h = (struct icmp_echo_hdr){.type = ICMP_ECHO, .id = lwip_htons(PING_ID),
                                .seqno = lwip_htons((u16_t)seq)};
    for (int i = 0; i < PING_BYTES; i++)
        ((uint8_t *)(h + 1))[i] = payload_byte(seq, i);
    h->chksum = inet_chksum(h, p->len);
    LOCK_TCPIP_CORE();
    err = raw_sendto(pcb, p, to);
    UNLOCK_TCPIP_CORE();
    pbuf_free(p);
    return err;
}

static int ping_gateway(const ip_addr_t *gw)
{
    struct raw_pcb *pcb;
    int good = 0;

    LOCK_TCPIP_CORE();
    pcb = raw_new(IP_PROTO_ICMP);
    if (pcb)
        raw_recv(pcb, ping_recv, NULL);
    UNLOCK_TCPIP_CORE();
    if (!pcb)
        return 0;
    for (int seq = 1; seq <= PINGS; seq++) {
        ping_seq_seen = -1;
        if (ping_send(pcb, gw, seq) != ERR_OK)
            continue;
        /* A reply to an earlier, late ping is not this one's. */
        while (sem_down_until(&ping_reply, thread_deadline(2 * SEC)) == 0)
            if (ping_seq_seen == seq)
                break;
        good += ping_seq_seen == seq && ping_payload_ok;
    }
    LOCK_TCPIP_CORE();
    raw_remove(pcb);
    UNLOCK_TCPIP_CORE();
    printf("# %d of %d pings answered and right\n", good, PINGS);
    return good;
}

/* A UDP datagram to ourselves at addr comes back through lwIP's
 * loopback, without touching the card. */
static bool udp_loopback(const ip_addr_t *addr)
{
    static const char msg[] = "tern loopback";
    struct netconn *c = netconn_new(NETCONN_UDP);
    struct netbuf *out = netbuf_new(), *in = NULL;
    bool ok = false;

    if (!c || !out || netconn_bind(c, IP4_ADDR_ANY, 9) != ERR_OK ||
        netbuf_ref(out, msg, sizeof msg) != ERR_OK)
        goto done;
    netconn_set_recvtimeout(c, 2000);
    if (netconn_sendto(c, out, addr, 9) == ERR_OK &&
        netconn_recv(c, &in) == ERR_OK) {
        char got[sizeof msg] = {0};

        ok = netbuf_len(in) == sizeof msg &&
             netbuf_copy(in, got, sizeof got) == sizeof got &&
             !memcmp(got, msg, sizeof msg) && ip_addr_cmp(netbuf_fromaddr(in), addr);
        netbuf_delete(in);
    }
done:
    if (out)
        netbuf_delete(out);
    if (c)
        netconn_delete(c);
    return ok;
}

/* Echo one connection until the peer closes it; the bytes echoed, or -1. */
static long echo_connection(struct netconn *c)
{
    struct netbuf *buf;
    long total = 0;
    err_t err;

    netconn_set_recvtimeout(c, 10000);
    while ((err = netconn_recv(c, &buf)) == ERR_OK) {
        do {
            void *data;
            u16_t len;

            netbuf_data(buf, &data, &len);
            if (netconn_write(c, data, len, NETCONN_COPY) != ERR_OK) {
                netbuf_delete(buf);
                return -1;
            }
            total += len;
        } while (netbuf_next(buf) >= 0);
        netbuf_delete(buf);
    }
    return err == ERR_CLSD ? total : -1;
}

static void echo_server(int connections)
{
    struct netconn *l = netconn_new(NETCONN_TCP), *c;
    int served = 0;

    tap_ok(l && netconn_bind(l, IP4_ADDR_ANY, ECHO_PORT) == ERR_OK &&
           netconn_listen(l) == ERR_OK, "TCP echo listens on port 7");
    if (!l)
        return;
    printf("lwip-selftest: echo on port %d\n", ECHO_PORT);
    fflush(stdout);
    netconn_set_recvtimeout(l, 20000);
    for (int i = 0; i < connections; i++) {
        long n;

        if (netconn_accept(l, &c) != ERR_OK)
            break;
        n = echo_connection(c);
        printf("# connection %d: %ld bytes echoed\n", i + 1, n);
        served += n > 0;
        netconn_close(c);
        netconn_delete(c);
    }
    tap_ok(served == connections, "every connection echoed and closed");
    netconn_delete(l);
    /* netconn_close only queues the FIN behind the echoed data: wait
     * until every connection is gone (data and FIN acknowledged), or the
     * VM's exit would cut the host's copy short. */
    uint64_t deadline = thread_deadline(5 * SEC);
    while (tcp_active_pcbs &&
           thread_deadline(0) < deadline)
        thread_sleep_ns(SEC / 100);
    tap_ok(tcp_active_pcbs == NULL, "every connection's data acknowledged");
}

int main(int argc, char **argv)
{
    struct netif *nif = tern_lwip_netif(0);
    ip4_addr_t want_ip, want_gw;
    ip_addr_t peer;
    bool want_dhcp = argc > 1 && !strcmp(argv[1], "dhcp");

    if (argc == 2 && !strcmp(argv[1], "nocard")) {
        ip_addr_t loop;

        ip_addr_set_loopback(0, &loop);
        tap_ok(nif == NULL, "no card, no lwIP interface");
        tap_ok(udp_loopback(&loop), "UDP to 127.0.0.1 comes back without a card");
        return tap_done();
    }
    tap_ok(nif != NULL, "net0 has an lwIP interface");
    if (!nif)
        return tap_done();
    if (argc == 2 && !strcmp(argv[1], "none")) {
        tap_ok(!tern_lwip_wait_address(nif, thread_deadline(SEC / 2)),
               "no address when nothing answers DHCP");
        return tap_done();
    }
    if (argc < 5 || (!want_dhcp && strcmp(argv[1], "static")) ||
        !ip4addr_aton(argv[2], &want_ip) || !ip4addr_aton(argv[3], &want_gw) ||
        !ipaddr_aton(argv[4], &peer)) {
        printf("usage: lwip-selftest dhcp|static ADDRESS GATEWAY PEER "
               "[CONNECTIONS] | none\n");
        return 2;
    }
    tap_ok(tern_lwip_wait_address(nif, thread_deadline(5 * SEC)) &&
           ip4_addr_cmp(netif_ip4_addr(nif), &want_ip),
           "net0 has the expected address");
    tap_ok(ip4_addr_cmp(netif_ip4_gw(nif), &want_gw), "and the expected gateway");
    tap_ok(tern_lwip_dhcp_bound(nif) == want_dhcp,
           want_dhcp ? "the address came from DHCP" : "the address is static");
    tap_ok(ping_gateway(&peer) == PINGS, "pings to the peer through lwIP");
    {
        ip_addr_t loop, self;

        ip_addr_set_loopback(0, &loop);
        ip_addr_copy_from_ip4(self, *netif_ip4_addr(nif));
        tap_ok(udp_loopback(&loop), "UDP to 127.0.0.1 comes back");
        tap_ok(udp_loopback(&self), "UDP to our own address comes back");
    }
    if (argc >= 6)
        echo_server(atoi(argv[5]));
    return tap_done();
}
