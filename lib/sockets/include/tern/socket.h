/* lib/sockets' own: the socket behind a descriptor. */
#ifndef TERN_SOCKET_H
#define TERN_SOCKET_H

struct file;

/* fd's file and (in *s) lwIP's socket index; NULL with errno EBADF (no
 * such descriptor) or ENOTSOCK (a file that is not a socket). */
struct file *socket_file(int fd, int *s);
/* What SO_ERROR says of lwIP's socket s, err from lwIP: a refused
 * handshake is ECONNREFUSED.  Ends s's connect in progress. */
int socket_connect_result(int s, int err);

#endif
