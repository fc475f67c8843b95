/* poll(), which newlib does not have: Tern's descriptor table gives it
 * (lib/libc/files.c).  Values as Linux has them. */
#ifndef _TERN_POLL_H
#define _TERN_POLL_H

#ifdef __cplusplus
extern "C" {
#endif

#define POLLIN 0x001
#define POLLPRI 0x002
#define POLLOUT 0x004
#define POLLERR 0x008
#define POLLHUP 0x010
#define POLLNVAL 0x020
#define POLLRDNORM 0x040
#define POLLWRNORM 0x100

typedef unsigned long nfds_t;

struct pollfd {
    int fd;
    short events;
    short revents;
};

/* timeout in ms; -1 waits for ever.  Blocks only the calling thread. */
int poll(struct pollfd *fds, nfds_t nfds, int timeout);

#ifdef __cplusplus
}
#endif

#endif
