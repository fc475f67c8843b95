/* Internet addresses: struct sockaddr_in, in_addr, IPPROTO_*, INADDR_*
 * (lwIP's, through <sys/socket.h>). */
#ifndef TERN_NETINET_IN_H
#define TERN_NETINET_IN_H
#include <sys/socket.h>
#endif
