/*
 * socket-selftest: the BSD socket calls on lwIP's loopback (127.0.0.1),
 * with the errno values POSIX gives, as an ordinary app sees them
 * (public headers only).  TAP lines; the exit status is the failures.
 *
 * Covered: descriptors and ENOTSOCK/EBADF; bind, EADDRINUSE, listen,
 * getsockname/getpeername; accept and recv with O_NONBLOCK (EAGAIN);
 * blocking connect and ECONNREFUSED; non-blocking connect (EINPROGRESS,
 * then writable, SO_ERROR 0); TCP_NODELAY; SO_RCVTIMEO and SO_SNDTIMEO
 * bounding waits; a blocking 1 MiB send taken whole while another thread
 * reads; shutdown(SHUT_WR) seen as end of file; close under a blocked
 * reader; poll over a socket, an eventfd and the console at once;
 * select (and EBADF); a negative SO_RCVTIMEO (no wait); end of file
 * that stays; EPIPE after SHUT_WR and after a reset; SO_ERROR's
 * ECONNREFUSED against ECONNRESET; MSG_WAITALL; recv with no
 * connection (ENOTCONN, or 0 after a reset); accept with the
 * descriptor table full (EMFILE, connection closed); UDP
 * sendto/recvfrom, and a flooded UDP socket that leaves others their
 * datagrams; running out of sockets (ENFILE) and coming back;
 * inet_pton/ntop and numeric getaddrinfo.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <tern/tap.h>
#include <tern/thread.h>

#define PORT 5000
#define BIG (1024 * 1024)

static struct sockaddr_in loopback(int port)
{
    struct sockaddr_in a;

    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

#define SA(a) ((struct sockaddr *)&(a))

static uint64_t now_ms(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

static int fails_with(int r, int err)
{
    return r == -1 && errno == err;
}

static int listener(int port)
{
    struct sockaddr_in a = loopback(port);
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    if (fd < 0 || bind(fd, SA(a), sizeof(a)) < 0 || listen(fd, 8) < 0)
        return -1;
    return fd;
}

static int connected(int port)
{
    struct sockaddr_in a = loopback(port);
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    if (fd < 0 || connect(fd, SA(a), sizeof(a)) < 0)
        return -1;
    return fd;
}

static void descriptors(void)
{
    struct stat st;
    struct sockaddr_in a = loopback(PORT);
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    tap_ok(fd >= 3 && fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode),
           "socket() is a descriptor that fstat calls a socket");
    tap_ok(fails_with(bind(1, SA(a), sizeof(a)), ENOTSOCK),
           "bind on the console: ENOTSOCK");
    tap_ok(fails_with(send(900, "x", 1, 0), EBADF), "send on a closed descriptor: EBADF");
    tap_ok(fails_with(socket(AF_INET, 99, 0), EINVAL),
           "socket of an unknown type: EINVAL, as Linux says");
    tap_ok(fails_with(bind(fd, NULL, sizeof(a)), EFAULT) &&
               fails_with(connect(fd, NULL, sizeof(a)), EFAULT),
           "bind and connect with no address: EFAULT, not a fault in lwIP");
    close(fd);
}

static void *drain(void *arg)
{
    int fd = (int)(intptr_t)arg;
    unsigned char *buf = malloc(8192);
    long total = 0, bad = 0;
    ssize_t n;

    while ((n = recv(fd, buf, 8192, 0)) > 0) {
        for (ssize_t i = 0; i < n; i++)
            bad += buf[i] != (unsigned char)((total + i) * 7);
        total += n;
    }
    free(buf);
    return (void *)(intptr_t)(bad ? -1 : total);
}

static void stream(int lfd)
{
    struct sockaddr_in me, peer, got;
    socklen_t len = sizeof(me), plen = sizeof(peer), glen = sizeof(got);
    struct timeval tv = {0, 200000}, back;
    socklen_t blen = sizeof(back);
    int one = 1, v = 0, c, s;
    socklen_t vlen = sizeof(v);
    unsigned char *big;
    struct thread *t;
    uint64_t t0;
    char buf[16];
    void *ret;

    fcntl(lfd, F_SETFL, O_NONBLOCK);
    tap_ok(fails_with(accept(lfd, NULL, NULL), EAGAIN),
           "accept with O_NONBLOCK and nobody connecting: EAGAIN");
    fcntl(lfd, F_SETFL, 0);
    c = connected(PORT);
    s = accept(lfd, SA(peer), &plen);
    tap_ok(c >= 0 && s >= 0, "blocking connect and accept on 127.0.0.1");
    getsockname(c, SA(me), &len);
    getpeername(s, SA(got), &glen);
    tap_ok(me.sin_port == peer.sin_port && got.sin_port == peer.sin_port &&
               peer.sin_addr.s_addr == htonl(INADDR_LOOPBACK),
           "accept's address, getpeername and the client's getsockname agree");
    tap_ok(setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) == 0 &&
               getsockopt(c, IPPROTO_TCP, TCP_NODELAY, &v, &vlen) == 0 && v,
           "TCP_NODELAY set and read back");

    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    getsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &back, &blen);
    t0 = now_ms();
    tap_ok(fails_with((int)recv(s, buf, sizeof(buf), 0), EAGAIN) &&
               now_ms() - t0 >= 190 && back.tv_usec == 200000,
           "SO_RCVTIMEO 200 ms: recv with nothing to read waits, then EAGAIN");
    tv.tv_usec = 0;
    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    tv.tv_usec = 1000000;
    tap_ok(fails_with(setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), EDOM),
           "SO_RCVTIMEO with tv_usec 1000000: EDOM");

    big = malloc(BIG);
    for (long i = 0; i < BIG; i++)
        big[i] = (unsigned char)(i * 7);
    t = thread_create("drain", drain, (void *)(intptr_t)s, 0);
    tap_ok(send(c, big, BIG, 0) == BIG,
           "a blocking 1 MiB send returns when all of it is taken");
    shutdown(c, SHUT_WR);
    thread_join(t, &ret);
    tap_ok((intptr_t)ret == BIG,
           "the reader got 1 MiB intact, then end of file after SHUT_WR");
    free(big);
    close(c);
    close(s);
}

/* Nobody reads: the send buffer fills and SO_SNDTIMEO ends the wait with
 * what was taken, or EAGAIN when nothing was. */
static void send_timeout(int lfd)
{
    struct timeval tv = {0, 200000};
    int c = connected(PORT), s = accept(lfd, NULL, NULL);
    char *junk = calloc(1, BIG);
    ssize_t first, second;
    uint64_t t0;

    setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    t0 = now_ms();
    first = send(c, junk, BIG, 0);
    second = send(c, junk, BIG, 0);
    tap_ok(first > 0 && first < BIG && now_ms() - t0 >= 190 &&
               (second == -1 ? errno == EAGAIN : second < BIG),
           "SO_SNDTIMEO: a send nobody reads returns what was taken");
    free(junk);
    close(c);
    close(s);
}

static void *read_until_closed(void *arg)
{
    int fd = (int)(intptr_t)arg;
    char b;

    return (void *)(intptr_t)(recv(fd, &b, 1, 0) == -1 ? errno : 0);
}

static void close_under_reader(int lfd)
{
    int c = connected(PORT), s = accept(lfd, NULL, NULL);
    struct thread *t = thread_create("reader", read_until_closed,
                                     (void *)(intptr_t)s, 0);
    void *ret;

    thread_yield(); /* the reader blocks in recv */
    close(s);
    thread_join(t, &ret);
    tap_ok((intptr_t)ret == EBADF, "close under a blocked recv: it returns EBADF");
    close(c);
}

/* select() with a descriptor that is not open: EBADF, as poll's
 * POLLNVAL is. */
static void select_closed(void)
{
    int fd = eventfd(0, 0);
    struct timeval zero = {0, 0};
    fd_set r;

    close(fd);
    FD_ZERO(&r);
    FD_SET(fd, &r);
    tap_ok(fails_with(select(fd + 1, &r, NULL, NULL, &zero), EBADF),
           "select with a closed descriptor in the read set: EBADF");
}

struct closer {
    int fd;
    useconds_t after;
};

static void *close_later(void *arg)
{
    struct closer *c = arg;

    usleep(c->after);
    close(c->fd);
    return NULL;
}

/* Linux takes a negative SO_RCVTIMEO as no wait at all (and warns); a
 * thread closes the socket after a second so that a wait for ever
 * ends as a failure, not a hang. */
static void negative_timeout(int lfd)
{
    int c = connected(PORT), s = accept(lfd, NULL, NULL);
    struct timeval tv = {-1, 0};
    struct closer cl = {s, 1000000};
    struct thread *t;
    uint64_t t0;
    int r, err;
    char b;

    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    t = thread_create("closer", close_later, &cl, 0);
    t0 = now_ms();
    r = (int)recv(s, &b, 1, 0);
    err = errno;
    tap_ok(r == -1 && err == EAGAIN && now_ms() - t0 < 500,
           "SO_RCVTIMEO negative: recv with nothing to read says EAGAIN at once");
    thread_join(t, NULL); /* closed s */
    close(c);
}

/* End of file is for good: every later recv or read says 0 too and
 * poll keeps saying POLLIN, as on Linux. */
static void end_of_file(int lfd)
{
    int c = connected(PORT), s = accept(lfd, NULL, NULL), first, again, rd;
    struct pollfd p = {s, POLLIN, 0};
    char b[4];

    close(c);
    first = (int)recv(s, b, sizeof(b), 0);
    again = (int)recv(s, b, sizeof(b), 0);
    rd = (int)read(s, b, sizeof(b));
    tap_ok(first == 0 && again == 0 && rd == 0 && poll(&p, 1, 0) == 1 &&
               (p.revents & POLLIN),
           "end of file: recv 0, again 0, read 0, and poll says POLLIN");
    close(s);
}

/* POSIX: a connection shut down for writing, or no longer connected,
 * is EPIPE (ENOTCONN is for one that never was). */
static void broken_pipe(int lfd)
{
    int c = connected(PORT), s = accept(lfd, NULL, NULL), first, err;
    char junk[512] = {0};

    shutdown(c, SHUT_WR);
    tap_ok(fails_with((int)send(c, "x", 1, 0), EPIPE),
           "send after shutdown(SHUT_WR): EPIPE");
    close(c);
    close(s);
    c = connected(PORT);
    s = accept(lfd, NULL, NULL);
    send(c, "unread", 6, 0);
    usleep(20000);
    close(s); /* with data unread: a reset */
    usleep(20000);
    first = (int)send(c, junk, sizeof(junk), 0);
    err = errno;
    tap_ok(first == -1 && (err == ECONNRESET || err == EPIPE) &&
               fails_with((int)write(c, junk, sizeof(junk)), EPIPE),
           "send to a peer that reset: ECONNRESET, then EPIPE");
    close(c);
}

/* SO_ERROR says ECONNREFUSED only of a handshake answered by a reset:
 * a reading while the handshake runs does not change that, and a reset
 * after the connection was made is ECONNRESET. */
static void connect_errors(int lfd)
{
    struct sockaddr_in nobody = loopback(PORT + 1), a = loopback(PORT);
    int fd = socket(AF_INET, SOCK_STREAM, 0), early = -1, err = -1, s;
    socklen_t len = sizeof(err);
    struct pollfd p = {fd, POLLOUT, 0};

    fcntl(fd, F_SETFL, O_NONBLOCK);
    connect(fd, SA(nobody), sizeof(nobody));
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &early, &len);
    poll(&p, 1, 5000);
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
    tap_ok(early == 0 && err == ECONNREFUSED,
           "SO_ERROR read during a non-blocking connect, then refused: ECONNREFUSED");
    close(fd);
    fd = socket(AF_INET, SOCK_STREAM, 0);
    fcntl(fd, F_SETFL, O_NONBLOCK);
    connect(fd, SA(a), sizeof(a));
    p = (struct pollfd){fd, POLLOUT, 0};
    poll(&p, 1, 5000);
    s = accept(lfd, NULL, NULL);
    send(fd, "unread", 6, 0);
    usleep(20000);
    close(s); /* a reset */
    usleep(20000);
    err = -1;
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
    tap_ok(err == ECONNRESET,
           "a non-blocking connect made, then reset: SO_ERROR ECONNRESET");
    close(fd);
}

struct later {
    int fd;
    useconds_t after;
};

static void *send_world_later(void *arg)
{
    struct later *l = arg;

    usleep(l->after);
    send(l->fd, "world", 5, 0);
    return NULL;
}

/* MSG_WAITALL: a blocking recv waits for the whole request (POSIX),
 * across segments that arrive apart; end of file ends it early. */
static void wait_all(int lfd)
{
    int c = connected(PORT), s = accept(lfd, NULL, NULL), r, eof;
    struct later l = {c, 50000};
    struct thread *t;
    char buf[16] = {0};

    send(c, "hello", 5, 0);
    t = thread_create("later", send_world_later, &l, 0);
    r = (int)recv(s, buf, 10, MSG_WAITALL);
    thread_join(t, NULL);
    send(c, "abc", 3, 0);
    shutdown(c, SHUT_WR);
    eof = (int)recv(s, buf + 10, 6, MSG_WAITALL);
    tap_ok(r == 10 && eof == 3 && memcmp(buf, "helloworldabc", 13) == 0,
           "recv MSG_WAITALL: all 10 bytes sent 50 ms apart; 3 of 6 at end of file");
    close(c);
    close(s);
}

/* A TCP socket with no connection has nothing to wait for: recv on one
 * never connected is ENOTCONN at once, and after a reset was reported
 * it is end of file (Linux), not a wait for ever (the timeouts only turn
 * a hang into a failure here). */
static void recv_no_connection(int lfd)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0), c, s, first, err, again;
    struct timeval tv = {0, 500000};
    struct pollfd p;
    char b;

    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    tap_ok(fails_with((int)recv(fd, &b, 1, 0), ENOTCONN),
           "recv on a TCP socket never connected: ENOTCONN");
    p = (struct pollfd){fd, POLLIN | POLLOUT, 0};
    tap_ok(poll(&p, 1, 500) == 1 && p.revents == (POLLOUT | POLLHUP),
           "poll on a TCP socket never connected: POLLOUT|POLLHUP at once");
    close(fd);
    c = connected(PORT);
    s = accept(lfd, NULL, NULL);
    setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    send(c, "unread", 6, 0);
    usleep(20000);
    close(s); /* a reset */
    usleep(20000);
    first = (int)recv(c, &b, 1, 0);
    err = errno;
    /* lwIP says the reset twice (its pending error, then its message) */
    for (int i = 0; i < 3; i++)
        if (!fails_with(again = (int)recv(c, &b, 1, 0), ECONNRESET))
            break;
    tap_ok(first == -1 && err == ECONNRESET && again == 0,
           "recv after a reset: ECONNRESET, then end of file");
    close(c);
}

/* accept with every descriptor taken: EMFILE, and the connection it
 * took from lwIP is closed (the client sees end of file), not leaked;
 * with room again, accept works. */
static void accept_table_full(int lfd)
{
    static int fill[8192];
    struct timeval tv = {2, 0};
    int n = 0, c, s, err, eof, again;
    char b;

    c = connected(PORT);
    while (n < 8192 && (fill[n] = eventfd(0, 0)) >= 0)
        n++;
    s = accept(lfd, NULL, NULL);
    err = errno;
    while (n > 0)
        close(fill[--n]);
    setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    eof = (int)recv(c, &b, 1, 0);
    close(c);
    c = connected(PORT);
    again = accept(lfd, NULL, NULL);
    tap_ok(s == -1 && err == EMFILE && eof == 0 && again >= 0,
           "accept with the descriptor table full: EMFILE, the client sees "
           "the close; then accept works");
    close(c);
    close(again);
}

static void poll_mix(int lfd)
{
    int c = connected(PORT), s = accept(lfd, NULL, NULL);
    int e = eventfd(0, EFD_NONBLOCK);
    struct pollfd p[3] = {{s, POLLIN, 0}, {e, POLLIN, 0}, {1, POLLOUT, 0}};
    fd_set r;
    struct timeval zero = {0, 0};

    tap_ok(poll(p, 2, 50) == 0, "poll: an idle socket and eventfd time out");
    send(c, "x", 1, 0);
    tap_ok(poll(p, 2, 5000) == 1 && p[0].revents == POLLIN,
           "poll: the socket alone wakes it when data arrives");
    eventfd_write(e, 1);
    tap_ok(poll(p, 3, 0) == 3 && (p[0].revents & POLLIN) &&
               (p[1].revents & POLLIN) && (p[2].revents & POLLOUT),
           "poll: socket, eventfd and console ready in one call");
    FD_ZERO(&r);
    FD_SET(s, &r);
    tap_ok(select(s + 1, &r, NULL, NULL, &zero) == 1 && FD_ISSET(s, &r),
           "select: the socket is readable");
    close(e);
    close(c);
    close(s);
}

static void connects(void)
{
    struct sockaddr_in a = loopback(PORT + 1);
    struct pollfd p;
    int fd = socket(AF_INET, SOCK_STREAM, 0), err = -1, lfd, r;
    socklen_t len = sizeof(err);

    r = connect(fd, SA(a), sizeof(a));
    tap_ok(fails_with(r, ECONNREFUSED),
           "connect to a port nobody listens on: ECONNREFUSED");
    close(fd);
    fd = socket(AF_INET, SOCK_STREAM, 0);
    fcntl(fd, F_SETFL, O_NONBLOCK);
    connect(fd, SA(a), sizeof(a));
    p = (struct pollfd){fd, POLLOUT, 0};
    tap_ok(poll(&p, 1, 5000) == 1 && (p.revents & POLLERR) &&
               getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 &&
               err == ECONNREFUSED,
           "non-blocking connect refused: POLLERR, SO_ERROR ECONNREFUSED");
    close(fd);
    lfd = listener(PORT + 1);
    fd = socket(AF_INET, SOCK_STREAM, 0);
    fcntl(fd, F_SETFL, O_NONBLOCK);
    tap_ok(fails_with(connect(fd, SA(a), sizeof(a)), EINPROGRESS),
           "non-blocking connect: EINPROGRESS");
    p = (struct pollfd){fd, POLLOUT, 0};
    tap_ok(poll(&p, 1, 5000) == 1 &&
               getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0,
           "then writable with SO_ERROR 0");
    close(fd);
    close(lfd);
}

static void datagrams(void)
{
    struct sockaddr_in a = loopback(PORT + 2), from;
    socklen_t len = sizeof(from);
    int u = socket(AF_INET, SOCK_DGRAM, 0), v = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in vme;
    socklen_t vlen = sizeof(vme);
    char buf[32] = {0};

    bind(u, SA(a), sizeof(a));
    tap_ok(fails_with((int)recvfrom(u, buf, sizeof(buf), MSG_DONTWAIT, NULL, NULL),
                      EAGAIN),
           "UDP recvfrom with MSG_DONTWAIT and nothing queued: EAGAIN");
    sendto(v, "datagram", 8, 0, SA(a), sizeof(a));
    getsockname(v, SA(vme), &vlen);
    tap_ok(recvfrom(u, buf, sizeof(buf), 0, SA(from), &len) == 8 &&
               memcmp(buf, "datagram", 8) == 0 && from.sin_port == vme.sin_port,
           "UDP sendto/recvfrom on 127.0.0.1 with the sender's address");
    close(u);
    close(v);
}

/* Datagrams wait in their socket's receive box, each in one of lwIP's
 * netbufs: a socket nobody reads, however flooded, must not take the
 * netbufs every other UDP socket needs. */
static void datagram_flood(void)
{
    struct sockaddr_in a = loopback(PORT + 3), b = loopback(PORT + 4);
    int u = socket(AF_INET, SOCK_DGRAM, 0), v = socket(AF_INET, SOCK_DGRAM, 0);
    int tx = socket(AF_INET, SOCK_DGRAM, 0);
    struct timeval tv = {0, 500000};
    char buf[16];

    bind(u, SA(a), sizeof(a));
    bind(v, SA(b), sizeof(b));
    for (int i = 0; i < 200; i++) {
        sendto(tx, "flood", 5, 0, SA(a), sizeof(a));
        if (i % 8 == 7)
            usleep(1000); /* lwIP's loopback queue drains */
    }
    sendto(tx, "other", 5, 0, SA(b), sizeof(b));
    setsockopt(v, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    tap_ok(recv(v, buf, sizeof(buf), 0) == 5,
           "UDP: 200 datagrams unread on one socket; another still gets its own");
    close(u);
    close(v);
    close(tx);
}

static void exhaustion(void)
{
    static int fds[2048];
    int n = 0, again;

    while (n < 2048 && (fds[n] = socket(AF_INET, SOCK_STREAM, 0)) >= 0)
        n++;
    tap_ok(n > 16 && n < 2048 &&
               (errno == ENFILE || errno == EMFILE || errno == ENOBUFS),
           "sockets run out with ENFILE, EMFILE or ENOBUFS, not a crash");
    while (n > 0)
        close(fds[--n]);
    again = socket(AF_INET, SOCK_DGRAM, 0);
    tap_ok(again >= 0, "after closing them, socket() works again");
    close(again);
}

static void names(void)
{
    struct in_addr in;
    char text[INET_ADDRSTRLEN];
    struct addrinfo hints, *res = NULL;
    int r;

    tap_ok(inet_pton(AF_INET, "192.0.2.33", &in) == 1 &&
               inet_ntop(AF_INET, &in, text, sizeof(text)) &&
               strcmp(text, "192.0.2.33") == 0,
           "inet_pton and inet_ntop round trip");
    tap_ok(inet_pton(AF_INET, "127.1", &in) == 0 &&
               inet_pton(AF_INET, "010.0.0.1", &in) == 0 &&
               inet_pton(AF_INET, "0x7f.0.0.1", &in) == 0 &&
               inet_pton(AF_INET, "192.0.2.1 ", &in) == 0,
           "inet_pton takes only a dotted quad (POSIX): not 127.1, octal, hex, or a trailing space");
    tap_ok(inet_pton(AF_INET, "192.0.2.", &in) == 0 &&
               !inet_ntop(AF_INET, &in, text, 4) && errno == ENOSPC,
           "inet_pton of junk: 0; inet_ntop short of room: ENOSPC");
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICHOST;
    r = getaddrinfo("127.0.0.1", "8080", &hints, &res);
    tap_ok(r == 0 && res &&
               ((struct sockaddr_in *)res->ai_addr)->sin_port == htons(8080),
           "getaddrinfo of a numeric host and port");
    if (res)
        freeaddrinfo(res);
    tap_ok(getaddrinfo("not-an-address", "80", &hints, &res) != 0,
           "getaddrinfo of a name with AI_NUMERICHOST fails");
}

int main(void)
{
    struct sockaddr_in a = loopback(PORT);
    int lfd, again;

    descriptors();
    lfd = listener(PORT);
    again = socket(AF_INET, SOCK_STREAM, 0);
    tap_ok(lfd >= 0 && fails_with(bind(again, SA(a), sizeof(a)), EADDRINUSE),
           "bind, listen; a second bind to the port: EADDRINUSE");
    close(again);
    stream(lfd);
    send_timeout(lfd);
    close_under_reader(lfd);
    poll_mix(lfd);
    select_closed();
    negative_timeout(lfd);
    end_of_file(lfd);
    broken_pipe(lfd);
    connect_errors(lfd);
    wait_all(lfd);
    recv_no_connection(lfd);
    accept_table_full(lfd);
    close(lfd);
    connects();
    datagrams();
    datagram_flood();
    exhaustion();
    names();
    return tap_done();
}
