/*
 * BSD sockets (lib/sockets, docs/networking.md).  The types, constants
 * and structure layouts are lwIP's, which the socket layer is built on:
 * struct sockaddr_in begins with BSD's length byte (sin_len), so zero the
 * structure and set family, port and address, as portable code does.
 * Each socket is a descriptor: read, write, close, fcntl(O_NONBLOCK),
 * poll and select take it with files and the console.
 */
#ifndef TERN_SYS_SOCKET_H
#define TERN_SYS_SOCKET_H

#if !__has_include(<lwip/sockets.h>)
#error "sockets need CONFIG_LWIP=y (and CONFIG_SOCKETS) in the app's defconfig: docs/networking.md"
#endif
#include <poll.h> /* first: lwIP would define a struct pollfd of its own */
#include <sys/types.h>
#include <lwip/sockets.h>

int socket(int domain, int type, int protocol);
int bind(int fd, const struct sockaddr *addr, socklen_t len);
int listen(int fd, int backlog);
int accept(int fd, struct sockaddr *addr, socklen_t *len);
int connect(int fd, const struct sockaddr *addr, socklen_t len);
ssize_t recv(int fd, void *buf, size_t n, int flags);
ssize_t recvfrom(int fd, void *buf, size_t n, int flags,
                 struct sockaddr *addr, socklen_t *len);
ssize_t send(int fd, const void *buf, size_t n, int flags);
ssize_t sendto(int fd, const void *buf, size_t n, int flags,
               const struct sockaddr *addr, socklen_t len);
int shutdown(int fd, int how);
int getsockname(int fd, struct sockaddr *addr, socklen_t *len);
int getpeername(int fd, struct sockaddr *addr, socklen_t *len);
int setsockopt(int fd, int level, int name, const void *val, socklen_t len);
int getsockopt(int fd, int level, int name, void *val, socklen_t *len);

#endif
