/*
 * TCP initial sequence numbers (RFC 6528) and LWIP_RAND, from one secret
 * key made at the first use (lwIP's start: tcp_init picks its first
 * local port).
 *
 * lwIP 2.1.3's own ISN is a counter advanced by the TCP timer: a peer
 * that sees one connection's ISN predicts the next (blind spoofing and
 * reset attacks).  RFC 6528: ISN = M + F(local, remote, key), M a clock
 * ticking every 4 microseconds, F a keyed hash, so each connection's
 * sequence space is unpredictable and still increases for a reused
 * 4-tuple (TIME_WAIT reuse).
 *
 * The key comes from the entropy pool (entropy_read, which waits for a
 * virtio-rng that is still starting).  With no strong source at all
 * (QEMU's default qemu64 CPU under TCG has no RDRAND, and no virtio-rng)
 * the pool refuses, and the key is the TSC and the clock: one warning
 * says so, and the network still works, as a Linux guest's does with an
 * unseeded pool.  An attacker who can estimate the boot time narrows
 * such a key down; boot with -cpu max or a virtio-rng device.
 */
#include <stdbool.h>
#include <string.h>
#include <lwip/ip_addr.h>
#include <tern/entropy.h>
#include <tern/io.h>
#include <tern/log.h>
#include <tern/lwip_port.h>
#include <tern/time.h>
#include "tern_lwip_hooks.h"

static uint8_t key[16];
static bool keyed;
static uint64_t rand_counter;

static void make_key(void)
{
    uint64_t weak[2] = {rdtsc(), clock_monotonic_ns()};

    keyed = true;
    if (entropy_read(key, sizeof key) == 0)
        return;
    memcpy(key, weak, sizeof key);
    pr_warn("lwip: TCP sequence numbers keyed from the TSC: no strong "
            "entropy source (docs/entropy.md)");
}

static const uint8_t *secret(void)
{
    if (!keyed)
        make_key();
    return key;
}

uint32_t tern_lwip_rand(void)
{
    uint64_t n = rand_counter++;

    return (uint32_t)siphash24(secret(), &n, sizeof n);
}

u32_t tern_lwip_tcp_isn(const ip_addr_t *local_ip, u16_t local_port,
                        const ip_addr_t *remote_ip, u16_t remote_port)
{
    struct {
        uint32_t local, remote;
        uint16_t lport, rport;
    } tuple = {ip_addr_get_ip4_u32(local_ip), ip_addr_get_ip4_u32(remote_ip),
               local_port, remote_port};
    uint32_t m = (uint32_t)(clock_monotonic_ns() / 4000);

    return m + (uint32_t)siphash24(secret(), &tuple, sizeof tuple);
}
