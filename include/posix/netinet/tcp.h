/* TCP options: TCP_NODELAY, TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT
 * (lwIP's, through <sys/socket.h>). */
#ifndef TERN_NETINET_TCP_H
#define TERN_NETINET_TCP_H
#include <sys/socket.h>
#endif
