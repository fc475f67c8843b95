/*
 * BSD sockets: each is one of lwIP's sockets (api/sockets.c) behind a
 * descriptor of Tern's table.  lwIP's side is always non-blocking; the
 * waiting is the table's (file_io), woken by lwIP's socket events, so a
 * socket blocks, times out, is closed under a waiting thread and shows
 * in poll() exactly as every other file does.
 *
 * The events: lwIP calls each netconn's callback from its thread when
 * data, room or an error arrives.  Every socket's netconn gets
 * sock_event, which runs lwIP's own callback (it keeps the counters
 * that sock_poll reads) and then wakes the file.  Accepted connections
 * inherit their listener's callback, so they have it from their first
 * segment on.
 */
#include <errno.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <lwip/api.h>
#include <lwip/tcp.h>
#include <lwip/priv/sockets_priv.h>
#include <tern/file.h>
#include <tern/libc.h>
#include <tern/socket.h>

static struct file *by_index[NUM_SOCKETS]; /* lwIP's socket -> its file */
static netconn_callback lwip_event;        /* api/sockets.c's callback */
static unsigned char state[NUM_SOCKETS];   /* SOCK_* */

#define SOCK_CONNECTING 1u /* a connect is in progress */
#define SOCK_CONNECTED 2u  /* the connection was made (it may be gone) */

static int index_of(struct file *f)
{
    return (int)(uintptr_t)f->priv;
}

static long result(long r)
{
    return r >= 0 ? r : -errno; /* lwIP says -1 and sets errno */
}

/* A TCP socket gets room to send with no error before it only when its
 * connection is made (lwIP's err_tcp raises the error first). */
static void note_connected(struct netconn *conn, int s)
{
    if (NETCONNTYPE_GROUP(conn->type) == NETCONN_TCP &&
        !lwip_socket_dbg_get_socket(s)->errevent)
        state[s] = SOCK_CONNECTED;
}

static void sock_event(struct netconn *conn, enum netconn_evt evt, u16_t len)
{
    int s;

    lwip_event(conn, evt, len);
    if (evt == NETCONN_EVT_RCVMINUS || evt == NETCONN_EVT_SENDMINUS)
        return; /* less is ready: nobody to wake */
    s = conn->socket; /* negative until accept() has made the socket */
    if (s < 0 || s >= NUM_SOCKETS || !by_index[s])
        return;
    if (evt == NETCONN_EVT_SENDPLUS)
        note_connected(conn, s);
    file_notify(by_index[s]);
}

/* No connection behind a TCP socket: none made yet and none being made,
 * or gone (reset, closed both ways).  Not a listener (LISTEN). */
static int tcp_unconnected(struct netconn *conn)
{
    return NETCONNTYPE_GROUP(conn->type) == NETCONN_TCP &&
           (!conn->pcb.tcp || conn->pcb.tcp->state == CLOSED);
}

/* lwIP's TCP netconn keeps its receive box open with no connection
 * behind it (never connected; after a reset was reported), and a recv
 * there says EAGAIN: a blocking one would wait for ever.  No connection
 * (no PCB, or one still CLOSED) is ENOTCONN. */
static long no_connection(int s, long r)
{
    if (r == -EAGAIN && tcp_unconnected(lwip_socket_dbg_get_socket(s)->conn))
        return -ENOTCONN;
    return r;
}

/* lwIP says ENOTCONN to a recv after the one that saw end of file (its
 * receive box is gone) and after a reset was reported; POSIX and Linux
 * say 0, end of file, again.  ENOTCONN stays for a socket never
 * connected. */
static long recv_result(int s, long r)
{
    r = no_connection(s, r);
    return r == -ENOTCONN && (state[s] & SOCK_CONNECTED) ? 0 : r;
}

/* lwIP says ENOTCONN to a send on a connection shut down for writing or
 * gone; POSIX and Linux say EPIPE (no SIGPIPE here). */
static long send_result(int s, long r)
{
    return r == -ENOTCONN && (state[s] & SOCK_CONNECTED) ? -EPIPE : r;
}

static long sock_read(struct file *f, void *buf, unsigned long n)
{
    int s = index_of(f);

    return recv_result(s, result(lwip_recv(s, buf, n, MSG_DONTWAIT)));
}

static long sock_write(struct file *f, const void *buf, unsigned long n)
{
    int s = index_of(f);

    return send_result(s, result(lwip_send(s, buf, n, MSG_DONTWAIT)));
}

/* What lwIP's own poll reads: data left from a partial read or queued,
 * a pending connection on a listener, room to send, an error.  And as
 * Linux says of a TCP socket with no connection, hang-up and writable
 * (nothing would wait): a poll on one never connected returns at once
 * instead of never. */
static unsigned sock_poll(struct file *f)
{
    struct lwip_sock *ls = lwip_socket_dbg_get_socket(index_of(f));
    unsigned r = 0;

    if (ls->lastdata.pbuf || ls->rcvevent > 0)
        r |= FILE_READABLE;
    if (ls->sendevent)
        r |= FILE_WRITABLE;
    if (ls->errevent)
        r |= FILE_ERROR;
    if (tcp_unconnected(ls->conn))
        r |= FILE_HANGUP | FILE_WRITABLE;
    return r;
}

static int sock_stat(struct file *f, struct file_stat *st)
{
    (void)f;
    st->mode = S_IFSOCK | 0777;
    return 0;
}

static void sock_release(struct file *f)
{
    int s = index_of(f);

    by_index[s] = NULL;
    state[s] = 0;
    lwip_close(s);
}

static const struct file_ops sock_ops = {
    .read = sock_read,
    .write = sock_write,
    .poll = sock_poll,
    .stat = sock_stat,
    .release = sock_release,
};

/* lwIP's socket s gets a descriptor; s is closed when that fails.
 * how: SOCK_CONNECTED for an accepted connection, else 0. */
static int install(int s, unsigned char how)
{
    struct lwip_sock *ls = lwip_socket_dbg_get_socket(s);
    struct file *f;
    int on = 1, fd;

    lwip_ioctl(s, FIONBIO, &on);
    if (!lwip_event)
        lwip_event = ls->conn->callback;
    ls->conn->callback = sock_event;
    f = file_new(&sock_ops, (void *)(uintptr_t)s);
    if (!f) {
        lwip_close(s);
        return -ENFILE;
    }
    state[s] = how;
    by_index[s] = f;
    fd = fd_install(f);
    if (fd < 0)
        file_put(f); /* closes s */
    return fd;
}

struct file *socket_file(int fd, int *s)
{
    struct file *f = fd_file(fd);

    if (!f) {
        errno = EBADF;
        return NULL;
    }
    if (f->ops != &sock_ops) {
        errno = ENOTSOCK;
        return NULL;
    }
    *s = index_of(f);
    return f;
}

int socket(int domain, int type, int protocol)
{
    int s = lwip_socket(domain, type, protocol);

    return s < 0 ? -1 : (int)sys_result(install(s, 0));
}

struct accepting {
    struct sockaddr *addr;
    socklen_t *len;
};

static long try_accept(struct file *f, void *ctx)
{
    struct accepting *a = ctx;

    return result(lwip_accept(index_of(f), a->addr, a->len));
}

int accept(int fd, struct sockaddr *addr, socklen_t *len)
{
    struct accepting a = {addr, len};
    struct file *f;
    long s;
    int i;

    if (!(f = socket_file(fd, &i)))
        return -1;
    s = file_io(f, try_accept, &a, 0, 0);
    return (int)sys_result(s < 0 ? s : install((int)s, SOCK_CONNECTED));
}

/* Connected, or failed: lwIP says writable or error when the handshake
 * ends either way. */
static long try_connected(struct file *f, void *ctx)
{
    (void)ctx;
    return sock_poll(f) & (FILE_WRITABLE | FILE_ERROR) ? 0 : -EAGAIN;
}

/* lwIP reports a handshake answered by a reset as ECONNRESET; POSIX and
 * Linux call that ECONNREFUSED (nobody listens there).  A reading of 0
 * while the handshake runs leaves it running; a connection made is
 * note_connected's. */
int socket_connect_result(int s, int err)
{
    if ((state[s] & SOCK_CONNECTING) && err == ECONNRESET)
        err = ECONNREFUSED;
    if (err)
        state[s] &= (unsigned char)~SOCK_CONNECTING;
    return err;
}

int connect(int fd, const struct sockaddr *addr, socklen_t len)
{
    struct file *f;
    int s, err = 0;
    socklen_t n = sizeof(err);
    long r;

    if (!(f = socket_file(fd, &s)))
        return -1;
    if (!addr) /* lwIP would read through it */
        return (int)sys_result(-EFAULT);
    if (lwip_connect(s, addr, len) == 0)
        return 0;
    if (errno != EINPROGRESS)
        return -1;
    if (!(state[s] & SOCK_CONNECTED)) /* not made already */
        state[s] |= SOCK_CONNECTING;
    if (f->flags & FILE_NONBLOCK)
        return -1;
    r = file_io(f, try_connected, NULL, 1, 0);
    if (r == -EAGAIN) /* SO_SNDTIMEO passed: it goes on, as Linux says */
        r = -EINPROGRESS;
    if (r < 0)
        return (int)sys_result(r);
    if (lwip_getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &n) < 0)
        return -1;
    return (int)sys_result(-socket_connect_result(s, err));
}

struct transfer {
    char *buf;
    size_t n, done;
    int flags;
    struct sockaddr *addr;
    socklen_t *len;     /* recvfrom */
    socklen_t addrlen;  /* sendto */
};

/* MSG_WAITALL on a blocking TCP socket: POSIX's recv waits for all n
 * bytes (lwIP's ignores the flag). */
static int waits_for_all(struct file *f, const struct transfer *t, int s)
{
    return (t->flags & MSG_WAITALL) &&
           !(t->flags & (MSG_PEEK | MSG_DONTWAIT)) &&
           !(f->flags & FILE_NONBLOCK) &&
           NETCONNTYPE_GROUP(lwip_socket_dbg_get_socket(s)->conn->type) ==
               NETCONN_TCP;
}

/* One recv, or with MSG_WAITALL as many as it takes to fill the buffer:
 * end of file or an error after a part ends it with the part. */
static long try_recv(struct file *f, void *ctx)
{
    struct transfer *t = ctx;
    int s = index_of(f), all = waits_for_all(f, t, s);

    for (;;) {
        long r = recv_result(s, result(lwip_recvfrom(s, t->buf + t->done,
                                                     t->n - t->done,
                                                     t->flags | MSG_DONTWAIT,
                                                     t->addr, t->len)));

        if (!all)
            return r;
        if (r < 0)
            return r == -EAGAIN || !t->done ? r : (long)t->done;
        t->done += (size_t)r;
        if (r == 0 || t->done == t->n)
            return (long)t->done;
    }
}

/* As much as lwIP takes now; a blocking send goes on until every byte
 * is taken (POSIX), a non-blocking one stops after the first part. */
static long try_send(struct file *f, void *ctx)
{
    struct transfer *t = ctx;
    int s = index_of(f);

    for (;;) {
        long r = send_result(s, result(lwip_sendto(s, t->buf + t->done,
                                                   t->n - t->done,
                                                   t->flags | MSG_DONTWAIT,
                                                   t->addr, t->addrlen)));

        if (r <= 0)
            return r < 0 ? r : (long)t->done;
        t->done += (size_t)r;
        if (t->done == t->n || (f->flags & FILE_NONBLOCK) ||
            (t->flags & MSG_DONTWAIT))
            return (long)t->done;
    }
}

ssize_t recvfrom(int fd, void *buf, size_t n, int flags,
                 struct sockaddr *addr, socklen_t *len)
{
    struct transfer t = {buf, n, 0, flags, addr, len, 0};
    struct file *f;
    long r;
    int s;

    if (!(f = socket_file(fd, &s)))
        return -1;
    r = file_io(f, try_recv, &t, 0, flags & MSG_DONTWAIT);
    /* MSG_WAITALL's timeout or a close after part of it: the part */
    return sys_result(r < 0 && t.done ? (long)t.done : r);
}

ssize_t recv(int fd, void *buf, size_t n, int flags)
{
    return recvfrom(fd, buf, n, flags, NULL, NULL);
}

ssize_t sendto(int fd, const void *buf, size_t n, int flags,
               const struct sockaddr *addr, socklen_t len)
{
    struct transfer t = {(char *)buf, n, 0, flags, (struct sockaddr *)addr,
                         NULL, len};
    struct file *f;
    long r;
    int s;

    if (!(f = socket_file(fd, &s)))
        return -1;
    r = file_io(f, try_send, &t, 1, flags & MSG_DONTWAIT);
    /* a timeout or a close after part of it: the part counts */
    return sys_result(r < 0 && t.done ? (long)t.done : r);
}

ssize_t send(int fd, const void *buf, size_t n, int flags)
{
    return sendto(fd, buf, n, flags, NULL, 0);
}

int bind(int fd, const struct sockaddr *addr, socklen_t len)
{
    int s;

    if (!socket_file(fd, &s))
        return -1;
    if (!addr) /* lwIP would read through it */
        return (int)sys_result(-EFAULT);
    return lwip_bind(s, addr, len);
}

int listen(int fd, int backlog)
{
    int s;

    return socket_file(fd, &s) ? lwip_listen(s, backlog) : -1;
}

int shutdown(int fd, int how)
{
    int s;

    return socket_file(fd, &s) ? lwip_shutdown(s, how) : -1;
}

int getsockname(int fd, struct sockaddr *addr, socklen_t *len)
{
    int s;

    return socket_file(fd, &s) ? lwip_getsockname(s, addr, len) : -1;
}

int getpeername(int fd, struct sockaddr *addr, socklen_t *len)
{
    int s;

    return socket_file(fd, &s) ? lwip_getpeername(s, addr, len) : -1;
}
