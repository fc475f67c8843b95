/* The lwIP port's pure pieces: SipHash-2-4 against the paper's vectors,
 * and the net.* parameters' strict address syntax. */
#include <stdint.h>
#include <tern/lwip_port.h>
#include "test.h"

TEST(siphash24_reference_vectors)
{
    uint8_t key[16], msg[64];

    for (int i = 0; i < 16; i++)
        key[i] = (uint8_t)i;
    for (int i = 0; i < 64; i++)
        msg[i] = (uint8_t)i;
    /* SipHash paper, appendix A, and the reference code's vectors.h. */
    CHECK(siphash24(key, msg, 0) == 0x726fdb47dd0e0e31ull);
    CHECK(siphash24(key, msg, 8) == 0x93f5f5799a932462ull);
    CHECK(siphash24(key, msg, 15) == 0xa129ca6149be45e5ull);
    CHECK(siphash24(key, msg, 63) == 0x958a324ceb064572ull);
}

TEST(siphash24_key_matters)
{
    uint8_t k1[16] = {0}, k2[16] = {0};
    uint32_t tuple[3] = {0x0f02000a, 0x0202000a, 0x1234};

    k2[15] = 1;
    CHECK(siphash24(k1, tuple, sizeof tuple) != siphash24(k2, tuple, sizeof tuple));
}

TEST(parse_ipv4_strict)
{
    uint32_t a = 0;

    CHECK(parse_ipv4("10.0.2.15", &a) == 0 && a == 0x0f02000a);
    CHECK(parse_ipv4("255.255.255.255", &a) == 0 && a == 0xffffffff);
    CHECK(parse_ipv4("0.0.0.0", &a) == 0 && a == 0);
    a = 7;
    CHECK(parse_ipv4("10.0.2", &a) == -1 && a == 7);     /* inet_aton: 10.0.0.2 */
    CHECK(parse_ipv4("10.0.2.015", &a) == -1);           /* octal to inet_aton */
    CHECK(parse_ipv4("0x0a.0.2.15", &a) == -1);
    CHECK(parse_ipv4("10.0.2.256", &a) == -1);
    CHECK(parse_ipv4("10.0.2.15 ", &a) == -1);
    CHECK(parse_ipv4(" 10.0.2.15", &a) == -1);
    CHECK(parse_ipv4("10.0.2.15.1", &a) == -1);
    CHECK(parse_ipv4("10..2.15", &a) == -1);
    CHECK(parse_ipv4("", &a) == -1);
    CHECK(parse_ipv4("4294967306.0.0.1", &a) == -1);     /* no wrap to 10 */
    CHECK(a == 7);
}

TEST(parse_netmask_contiguous)
{
    uint32_t m = 0;

    CHECK(parse_netmask("255.255.255.0", &m) == 0 && m == 0x00ffffff);
    CHECK(parse_netmask("255.255.240.0", &m) == 0 && m == 0x00f0ffff);
    CHECK(parse_netmask("255.255.255.255", &m) == 0);
    CHECK(parse_netmask("0.0.0.0", &m) == 0 && m == 0);
    CHECK(parse_netmask("255.0.255.0", &m) == -1);
    CHECK(parse_netmask("255.255.255.1", &m) == -1);
    CHECK(parse_netmask("0.255.255.255", &m) == -1);
    CHECK(parse_netmask("255.255.255", &m) == -1);
}
