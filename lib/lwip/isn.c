/*
 * TCP initial sequence numbers (RFC 6528) and LWIP_RAND, from one secret
 * key made at the first use.
 *
 * PLACEHOLDER until lib/entropy (getentropy) is in the tree: the key is
 * RDRAND's when the CPU has it, mixed with the TSC; without RDRAND (QEMU's
 * default qemu64 CPU under TCG has none) it is the TSC alone, which an
 * attacker who can estimate the boot time narrows down.  The ISN's
 * structure is right either way; only the key's source changes.
 *
 * lwIP 2.1.3's own ISN is a counter advanced by the TCP timer: a peer
 * that sees one connection's ISN predicts the next (blind spoofing and
 * reset attacks).  RFC 6528: ISN = M + F(local, remote, key), M a clock
 * ticking every 4 microseconds, F a keyed hash, so each connection's
 * sequence space is unpredictable and still increases for a reused
 * 4-tuple (TIME_WAIT reuse).
 */
#include <stdbool.h>
#include <string.h>
#include <lwip/ip_addr.h>
#include <tern/io.h>
#include <tern/lwip_port.h>
#include <tern/time.h>
#include "tern_lwip_hooks.h"

static uint8_t key[16];
static bool keyed;
static uint64_t rand_counter;

static bool rdrand64(uint64_t *v)
{
    unsigned char ok;

    for (int tries = 0; tries < 10; tries++) {
        __asm__ volatile("rdrand %0; setc %1" : "=r"(*v), "=qm"(ok));
        if (ok)
            return true;
    }
    return false;
}

static bool have_rdrand(void)
{
    uint32_t a, b, c, d;

    cpuid(1, &a, &b, &c, &d);
    return c & (1u << 30);
}

static void make_key(void)
{
    uint64_t k[2] = {rdtsc(), clock_monotonic_ns()}, r;

    if (have_rdrand()) {
        if (rdrand64(&r))
            k[0] ^= r;
        if (rdrand64(&r))
            k[1] ^= r;
    }
    memcpy(key, k, sizeof key);
    keyed = true;
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
