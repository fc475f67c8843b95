/*
 * Names and addresses: getaddrinfo and friends are lwIP's (its DNS
 * resolver, the servers from DHCP or net.dns=), under POSIX names.
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <stdint.h>
#include <string.h>
#include <tern/lwip_port.h>

int getaddrinfo(const char *node, const char *service,
                const struct addrinfo *hints, struct addrinfo **res)
{
    return lwip_getaddrinfo(node, service, hints, res);
}

void freeaddrinfo(struct addrinfo *ai)
{
    lwip_freeaddrinfo(ai);
}

struct hostent *gethostbyname(const char *name)
{
    return lwip_gethostbyname(name);
}

const char *gai_strerror(int err)
{
    switch (err) {
    case 0:
        return "Success";
    case EAI_NONAME:
        return "Name or service not known";
    case EAI_SERVICE:
        return "Servname not supported for ai_socktype";
    case EAI_FAIL:
        return "Non-recoverable failure in name resolution";
    case EAI_MEMORY:
        return "Memory allocation failure";
    case EAI_FAMILY:
        return "ai_family not supported";
    default:
        return "Unknown error";
    }
}

/* POSIX asks for ddd.ddd.ddd.ddd exactly; lwIP's inet_pton is its
 * inet_aton, which reads "127.1", octal "010...", hex and anything after
 * a space as some address.  An address filter written against inet_pton
 * must not see 127.0.0.1 in "127.1". */
int inet_pton(int af, const char *src, void *dst)
{
    uint32_t addr;

    if (af != AF_INET)
        return lwip_inet_pton(af, src, dst); /* EAFNOSUPPORT */
    if (parse_ipv4(src, &addr))
        return 0;
    memcpy(dst, &addr, sizeof(addr));
    return 1;
}

const char *inet_ntop(int af, const void *src, char *dst, socklen_t size)
{
    return lwip_inet_ntop(af, src, dst, size);
}
