/* The net.* parameters' address syntax, strictly: what inet_aton would
 * also take ("10.2", "010.0.0.1" as octal, "0x0a...") is refused, so a
 * typo is a warning, not a different address.  Pure: no kernel calls. */
#include <tern/lwip_port.h>

int parse_ipv4(const char *s, uint32_t *out)
{
    uint32_t addr = 0;

    for (int part = 0; part < 4; part++) {
        unsigned v = 0, digits = 0;

        if (part && *s++ != '.')
            return -1;
        for (; *s >= '0' && *s <= '9'; s++, digits++) {
            if (digits && v == 0)
                return -1; /* a leading zero */
            v = v * 10 + (unsigned)(*s - '0');
            if (v > 255)
                return -1;
        }
        if (!digits)
            return -1;
        addr |= (uint32_t)v << (8 * part);
    }
    if (*s)
        return -1;
    *out = addr;
    return 0;
}

int parse_netmask(const char *s, uint32_t *out)
{
    uint32_t n, host;

    if (parse_ipv4(s, &n))
        return -1;
    /* In host order the ones run from the top: ~mask + 1 is a power of 2. */
    host = ((n & 0xff) << 24) | ((n & 0xff00) << 8) | ((n >> 8) & 0xff00) |
           (n >> 24);
    if ((~host & (~host + 1)) != 0)
        return -1;
    *out = n;
    return 0;
}
