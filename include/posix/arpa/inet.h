/* Address conversions.  htons/ntohs/htonl/ntohl, inet_addr, inet_aton
 * and inet_ntoa come as lwIP's macros through <sys/socket.h>. */
#ifndef TERN_ARPA_INET_H
#define TERN_ARPA_INET_H
#include <netinet/in.h>

int inet_pton(int af, const char *src, void *dst);
const char *inet_ntop(int af, const void *src, char *dst, socklen_t size);

#endif
