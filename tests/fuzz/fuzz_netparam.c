/*
 * libFuzzer target: the net.* parameters' address parser
 * (lib/lwip/netparam.c) against the C library's inet_pton(AF_INET),
 * which takes exactly dotted quads of decimal numbers 0-255 without
 * leading zeros: the same syntax.  Both must accept the same strings and
 * give the same address; a netmask must also be contiguous ones.  The
 * input (up to its first NUL, at most 63 bytes) is the value.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tern/lwip_port.h>

#define check(ok)                                                         \
    do {                                                                  \
        if (!(ok)) {                                                      \
            fprintf(stderr, "fuzz_netparam.c:%d: %s\n", __LINE__, #ok);   \
            abort();                                                      \
        }                                                                 \
    } while (0)

static int contiguous(uint32_t net)
{
    uint32_t host = ntohl(net);

    return (~host & (~host + 1)) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char s[64];
    struct in_addr ref;
    uint32_t got = 0, mask = 0;
    int ours, theirs;

    if (size >= sizeof s)
        size = sizeof s - 1;
    memcpy(s, data, size);
    s[size] = 0;
    ours = parse_ipv4(s, &got);
    theirs = inet_pton(AF_INET, s, &ref);
    check((ours == 0) == (theirs == 1));
    if (ours == 0)
        check(got == ref.s_addr);
    if (parse_netmask(s, &mask) == 0)
        check(ours == 0 && mask == got && contiguous(got));
    else
        check(ours != 0 || !contiguous(got));
    return 0;
}
