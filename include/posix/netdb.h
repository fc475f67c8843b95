/* Name resolution through lwIP's DNS resolver (servers from DHCP or
 * net.dns=): struct addrinfo, AI_*, EAI_* are lwIP's. */
#ifndef TERN_NETDB_H
#define TERN_NETDB_H
#include <sys/socket.h>
#include <lwip/netdb.h>

int getaddrinfo(const char *node, const char *service,
                const struct addrinfo *hints, struct addrinfo **res);
void freeaddrinfo(struct addrinfo *ai);
const char *gai_strerror(int err);
struct hostent *gethostbyname(const char *name);

#endif
