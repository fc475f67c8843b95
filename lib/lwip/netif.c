/*
 * lwIP on Tern's network cards: one netif per card (tern/netdev.h),
 * started in DRIVER_INIT's last round (every card found), DHCP unless the command
 * line gives net0 a static address (driver parameters net.ip=, net.mask=,
 * net.gw=, net.dns=; docs/networking.md), and one line per address.
 *
 * Frames in: the card's receive function runs in the driver's handler
 * (the idle loop), copies the frame into a heap pbuf and hands it to the
 * tcpip thread as a message; it never waits.  Frames out: the pbuf chain
 * goes to netdev_send as segments, waiting up to CONFIG_LWIP_TX_WAIT_MS
 * for ring space (back-pressure on the thread that sends).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <lwip/dhcp.h>
#include <lwip/dns.h>
#include <lwip/etharp.h>
#include <lwip/netif.h>
#include <lwip/pbuf.h>
#include <lwip/tcpip.h>
#include <tern/driver.h>
#include <tern/log.h>
#include <tern/lwip_port.h>
#include <tern/netdev.h>
#include <tern/sched.h>

#define MAX_SEGS 16
#define NS_PER_MS 1000000ull

struct tern_netif {
    struct netif netif;
    struct netdev *dev;
    struct runq address_waiters;
    bool dhcp;
    uint64_t rx_dropped, tx_errors;
};

static struct tern_netif netifs[CONFIG_NETDEV_MAX];
static void set_dns_servers(void);
static unsigned nnetifs;

struct netif *tern_lwip_netif(unsigned index)
{
    return index < nnetifs ? &netifs[index].netif : NULL;
}

static struct tern_netif *of(struct netif *netif)
{
    return (struct tern_netif *)netif->state;
}

static bool has_address(struct netif *netif)
{
    return !ip4_addr_isany_val(*netif_ip4_addr(netif));
}

bool tern_lwip_wait_address(struct netif *netif, uint64_t deadline)
{
    while (!has_address(netif))
        if (sched_wait(&of(netif)->address_waiters, deadline) == SCHED_TIMED_OUT)
            return has_address(netif);
    return true;
}

bool tern_lwip_dhcp_bound(struct netif *netif)
{
    return of(netif)->dhcp && dhcp_supplied_address(netif);
}

/* Runs in the tcpip thread (or under the core lock) when the address
 * changes: the start-of-day line, and the waiters woken. */
static void address_changed(struct netif *netif)
{
    struct tern_netif *tn = of(netif);
    char ip[16], mask[16], gw[16] = "none", dns[16] = "none";

    if (!has_address(netif))
        return;
    set_dns_servers();
    ip4addr_ntoa_r(netif_ip4_addr(netif), ip, sizeof ip);
    ip4addr_ntoa_r(netif_ip4_netmask(netif), mask, sizeof mask);
    if (!ip4_addr_isany_val(*netif_ip4_gw(netif)))
        ip4addr_ntoa_r(netif_ip4_gw(netif), gw, sizeof gw);
    if (!ip_addr_isany(dns_getserver(0)))
        ip4addr_ntoa_r(ip_2_ip4(dns_getserver(0)), dns, sizeof dns);
    pr_info("net: %s: %s netmask %s gateway %s dns %s (%s)",
            netdev_info(tn->dev)->name, ip, mask, gw, dns,
            tn->dhcp ? "DHCP" : "static");
    while (sched_wake_one(&tn->address_waiters))
        ;
}

/* The driver's handler, in the idle loop: copy and queue, never wait. */
static void receive(struct netdev *dev, const void *frame, size_t len,
                    unsigned flags, void *arg)
{
    struct tern_netif *tn = arg;
    struct pbuf *p;

    (void)dev;
    (void)flags;
    p = tern_lwip_rx_pbuf(frame, len); /* netdev bounds len by the MTU */
    if (!p) {
        tn->rx_dropped++;
        return;
    }
    if (tn->netif.input(p, &tn->netif) != ERR_OK) { /* tcpip's queue full */
        pbuf_free(p);
        tn->rx_dropped++;
    }
}

static err_t send_chain(struct tern_netif *tn, struct pbuf *p)
{
    struct netdev_seg segs[MAX_SEGS];
    unsigned n = 0;
    int rc;

    for (struct pbuf *q = p; q; q = q->next)
        if (q->len)
            segs[n++] = (struct netdev_seg){q->payload, q->len};
    rc = netdev_send(tn->dev, segs, n, NULL,
                     sched_deadline_after(CONFIG_LWIP_TX_WAIT_MS * NS_PER_MS));
    if (rc) {
        tn->tx_errors++;
        return rc == -ETIMEDOUT ? ERR_MEM : ERR_IF;
    }
    return ERR_OK;
}

/* lwIP's linkoutput, in a thread holding the core lock. */
static err_t link_output(struct netif *netif, struct pbuf *p)
{
    struct tern_netif *tn = of(netif);
    unsigned n = 0;
    struct pbuf *flat;
    err_t err;

    for (struct pbuf *q = p; q; q = q->next)
        n++;
    if (n <= MAX_SEGS)
        return send_chain(tn, p);
    /* A long chain (many small writes): one copy, one segment. */
    flat = pbuf_clone(PBUF_RAW, PBUF_RAM, p);
    if (!flat)
        return ERR_MEM;
    err = send_chain(tn, flat);
    pbuf_free(flat);
    return err;
}

static err_t netif_setup(struct netif *netif)
{
    const struct netdev_info *info = netdev_info(of(netif)->dev);

    netif->name[0] = 'e';
    netif->name[1] = 'n';
    netif->output = etharp_output;
    netif->linkoutput = link_output;
    netif->mtu = info->mtu;
    netif->hwaddr_len = ETH_HWADDR_LEN;
    memcpy(netif->hwaddr, info->mac, ETH_HWADDR_LEN);
    netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP |
                   NETIF_FLAG_ETHERNET;
    return ERR_OK;
}

struct static_config {
    bool set;
    ip4_addr_t ip, mask, gw;
};

/* One driver parameter's address, or a warning and false. */
static bool param_address(const char *key, int (*parse)(const char *, uint32_t *),
                          const char *value, ip4_addr_t *out)
{
    uint32_t a;

    if (parse(value, &a)) {
        pr_warn("net: %s=%s ignored: not a%s", key, value,
                parse == parse_netmask ? " netmask" : "n IPv4 address");
        return false;
    }
    ip4_addr_set_u32(out, a);
    return true;
}

const char *net_param(const char *key)
{
    unsigned iter = 0;
    const char *v, *last = NULL;

    while ((v = driver_param_next(key, &iter)))
        last = v;
    return last;
}

unsigned net_param_uint(const char *key, unsigned def, unsigned lo,
                        unsigned hi)
{
    const char *v = net_param(key);
    char *end;
    unsigned long n;

    if (!v)
        return def;
    n = strtoul(v, &end, 10);
    if (*v < '0' || *v > '9' || *end || n < lo || n > hi) {
        pr_warn("net: %s=%s ignored: not %u-%u", key, v, lo, hi);
        return def;
    }
    return (unsigned)n;
}

/* net.ip= (and net.mask=, net.gw=) for net0.  Every bad value is one
 * warning; with any, or without net.ip, net0 asks DHCP. */
static struct static_config read_static_config(void)
{
    struct static_config c = {0};
    const char *ip = net_param("net.ip"), *mask = net_param("net.mask"),
               *gw = net_param("net.gw");
    bool ok = true;

    IP4_ADDR(&c.mask, 255, 255, 255, 0);
    if (mask)
        ok &= param_address("net.mask", parse_netmask, mask, &c.mask);
    if (gw)
        ok &= param_address("net.gw", parse_ipv4, gw, &c.gw);
    if (ip)
        ok &= param_address("net.ip", parse_ipv4, ip, &c.ip);
    if (!ip && (mask || gw))
        pr_warn("net: net.mask or net.gw without net.ip: net0 asks DHCP");
    else if (ip && !ok)
        pr_warn("net: net0 asks DHCP: its static address is not usable");
    c.set = ip && ok;
    return c;
}

/* net.dns= (up to DNS_MAX_SERVERS): they win over what DHCP gives, so
 * they are set again each time an address comes. */
static ip_addr_t dns_servers[DNS_MAX_SERVERS];
static unsigned ndns_servers;

static void read_dns_servers(void)
{
    unsigned iter = 0;
    const char *v;

    while ((v = driver_param_next("net.dns", &iter))) {
        if (ndns_servers == DNS_MAX_SERVERS) {
            pr_warn("net: net.dns=%s ignored: %u servers at most", v,
                    DNS_MAX_SERVERS);
            continue;
        }
        if (param_address("net.dns", parse_ipv4, v,
                          ip_2_ip4(&dns_servers[ndns_servers]))) {
            IP_SET_TYPE_VAL(dns_servers[ndns_servers], IPADDR_TYPE_V4);
            ndns_servers++;
        }
    }
}

static void set_dns_servers(void)
{
    for (unsigned i = 0; i < ndns_servers; i++)
        dns_setserver((u8_t)i, &dns_servers[i]);
}

/* Under the core lock. */
static void add_netif(struct netdev *dev, const struct static_config *c)
{
    struct tern_netif *tn = &netifs[nnetifs];
    const struct netdev_info *info = netdev_info(dev);

    tn->dev = dev;
    tn->dhcp = !c->set;
    if (!netif_add(&tn->netif, &c->ip, &c->mask, &c->gw, tn, netif_setup,
                   tcpip_input)) {
        pr_err("net: %s: lwIP refused the interface", info->name);
        return;
    }
    nnetifs++;
    netif_set_status_callback(&tn->netif, address_changed);
    if (nnetifs == 1)
        netif_set_default(&tn->netif);
    netif_set_up(&tn->netif);
    /* lwIP sends nothing on a link that is down; a card that does not
     * report its link state says up. */
    if (info->link_up)
        netif_set_link_up(&tn->netif);
    else
        pr_warn("net: %s: link down", info->name);
    netdev_set_receiver(dev, receive, tn);
    if (tn->dhcp && dhcp_start(&tn->netif) != ERR_OK)
        pr_err("net: %s: DHCP did not start (no memory)", info->name);
}

/* net.dhcp_wait_ms=: the boot's wait for addresses, over Kconfig's. */
static void lwip_start(const struct boot_info *bi)
{
    struct static_config c0 = read_static_config(), none = {0};
    unsigned wait_ms = net_param_uint("net.dhcp_wait_ms",
                                    CONFIG_LWIP_DHCP_WAIT_MS, 0, 600000);
    uint64_t deadline;

    (void)bi;
    /* Started without cards too: loopback works, and an app's netconn
     * calls find lwIP's thread and mailbox made. */
    tcpip_init(NULL, NULL);
    if (!netdev_count())
        return;
    read_dns_servers();
    LOCK_TCPIP_CORE();
    set_dns_servers();
    for (unsigned i = 0; i < netdev_count(); i++)
        add_netif(netdev_get(i), i == 0 ? &c0 : &none);
    UNLOCK_TCPIP_CORE();
    /* Boot waits for the addresses (slirp answers in milliseconds), so an
     * app starts with them; past the deadline it goes on and DHCP keeps
     * asking (the line comes when it binds). */
    deadline = sched_deadline_after(wait_ms * NS_PER_MS);
    for (unsigned i = 0; i < nnetifs; i++)
        if (!tern_lwip_wait_address(&netifs[i].netif, deadline))
            pr_warn("net: %s: no DHCP answer in %u ms; going on without "
                    "an address", netdev_info(netifs[i].dev)->name, wait_ms);
}
DRIVER_INIT(lwip_start);
DRIVER_PARAMS(net, "net");
